"""`companion stats`: monthly evaluation figures with small counts hidden, safe against differencing.

Every figure goes through `dialogs.coaching.disclosure`: a month's cell is shown when its count is 0 or at
least 5, whatever period is asked, and a total adds up only the cells shown (`12+` when it left hidden ones
out). So no difference of two reports, nor any other combination of their figures, gives back a hidden count
(docs/evaluation.md says why). CSV cells are safe to open in a spreadsheet: a cell that starts like a
formula gets a leading quote.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.settings import SettingsError
from dialogs.coaching.disclosure import Figure, add_up, disclose
from dialogs.signals.catalogue import STORED_KINDS
from storage import stats
from storage.database import Tx

TOTAL = "total"
ANSWER_KINDS = ("there", "cannot", "new_date", "help")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = tuple[int, int]  # (row, column)


@dataclass
class Table:
    headers: list[str]
    rows: list[str]
    values: dict[Cell, int | None]  # the true counts; None: no figure (active people do not add up)
    figures: dict[Cell, Figure] = field(default_factory=dict)

    def shown(self, cell: Cell) -> str:
        if self.values.get(cell) is None:
            return ""
        figure = self.figures.get(cell)
        return str(figure) if figure is not None else str(self.values[cell])


def parse_month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise SettingsError(f"a month must look like 2026-11, not {text!r}") from None


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def columns() -> list[str]:
    """The table's header: `participation_ended` is no signal column (it is counted as `ended`)."""
    return [
        "month",
        "invited",
        "enrolled",
        "ended",
        "active_28_days",
        "checkin_days",
        *[f"answer_{kind}" for kind in ANSWER_KINDS],
        "answers_total",
        *[f"signal_{kind.key}" for kind in STORED_KINDS],
        "signals_total",
    ]


async def stats_table(tx: Tx, now: datetime, start: date | None, end: date | None) -> Table:
    this_month = date(now.year, now.month, 1)
    first = await stats.first_month(tx)
    start = start or (parse_month(first) if first else this_month)
    end = end or this_month
    months: list[date] = []
    month = start
    while month <= end:
        months.append(month)
        month = _next(month)
    signal_kinds = [kind.key for kind in STORED_KINDS]
    headers = columns()
    invited, enrolled, ended = await stats.invited(tx), await stats.enrolled(tx), await stats.ended(tx)
    answers, signal_counts = await stats.appointment_answers(tx), await stats.signals_by_kind(tx)
    values: dict[Cell, int | None] = {}
    labels = []
    for row, month in enumerate(months):
        key = month.strftime("%Y-%m")
        labels.append(key)
        begin, after = _moment(month), _moment(_next(month))
        line: list[int | None] = [
            invited.get(key, 0),
            enrolled.get(key, 0),
            ended.get(key, 0),
            await stats.active(tx, min(after, now)) if begin <= now else 0,
            await stats.checkin_days(tx, begin, after),
            *[answers.get((key, kind), 0) for kind in ANSWER_KINDS],
        ]
        line.append(sum(answers.get((key, kind), 0) for kind in ANSWER_KINDS))
        line += [signal_counts.get((key, kind), 0) for kind in signal_kinds]
        line.append(sum(signal_counts.get((key, kind), 0) for kind in signal_kinds))
        for column, value in enumerate(line, start=1):
            values[(row, column)] = value
    return build_table(headers, labels, values)


def build_table(headers: list[str], months: list[str], values: dict[Cell, int | None]) -> Table:
    """The published table from one row of counts per month: each month's cell disclosed by its own
    count, then the `total` row and the two total columns added up from what is shown."""
    figures = {cell: disclose(value) for cell, value in values.items() if value is not None}
    kinds = {
        headers.index(total): [c for c, name in enumerate(headers) if name.startswith(prefix)]
        for total, prefix in (("answers_total", "answer_"), ("signals_total", "signal_"))
    }
    for row in range(len(months)):
        for total, members in kinds.items():
            figures[(row, total)] = add_up(figures[(row, c)] for c in members)
    total_row = len(months)
    active_column = headers.index("active_28_days")
    for column in range(1, len(headers)):
        if column == active_column:
            values[(total_row, column)] = None
            continue
        values[(total_row, column)] = sum(int(values[(row, column)] or 0) for row in range(total_row))
        figures[(total_row, column)] = add_up(figures[(row, column)] for row in range(total_row))
    return Table(headers, [*months, TOTAL], values, figures)


def safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def render_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in table.headers])
    for row, label in enumerate(table.rows):
        writer.writerow(
            [safe_cell(label), *[safe_cell(table.shown((row, c))) for c in range(1, len(table.headers))]]
        )
    return out.getvalue()


def render_text(table: Table) -> str:
    """One block per month (the table is too wide for a terminal), then the legend."""
    lines = []
    for row, label in enumerate(table.rows):
        lines.append(label)
        for column in range(1, len(table.headers)):
            shown = table.shown((row, column))
            if shown:
                lines.append(f"  {table.headers[column]:32} {shown:>6}")
    lines.append("")
    lines.append("x = hidden: a count from 1 to 4.")
    lines.append("12+ = a total of the figures shown; hidden ones (1 to 4 each) come on top.")
    return "\n".join(lines) + "\n"
