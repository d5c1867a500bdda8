"""`companion stats`: monthly evaluation figures with small counts suppressed.

Primary suppression: every cell with a count from 1 to 4 is hidden. Secondary suppression: the table has
totals (each month's answers and signals by kind add up to a row total; each column adds up to the
"total" row), so a single hidden cell in any such sum could be worked out as total minus the visible
cells. Wherever a sum has exactly one hidden cell (the total counted as one of its cells), the smallest
other non-zero cell of that sum is hidden too (the total itself if all others are zero), and this is
repeated until no sum has exactly one hidden cell. Every hidden cell shows the same mark, `x`, so a
reader cannot tell a small count from a cell hidden to protect it. Zero is shown: it reveals nobody.

This stops the differencing of one total. It is the usual heuristic, not a solver for every linear
combination of several sums; the figures are meant for aggregated reporting, see docs/evaluation.md.
CSV cells are safe to open in a spreadsheet: a cell that starts like a formula gets a leading quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.settings import SettingsError
from dialogs.signal_catalogue import STORED_KINDS
from storage import stats
from storage.database import Tx

SMALL = range(1, 5)  # counts from 1 to 4 are never shown
HIDDEN = "x"
TOTAL = "total"
ANSWER_KINDS = ("there", "cannot", "new_date", "help")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = tuple[int, int]  # (row, column)
Sum = tuple[tuple[Cell, ...], Cell]  # the cells that add up, and the cell holding their total


@dataclass
class Table:
    headers: list[str]
    rows: list[str]
    values: dict[Cell, int | None]  # None: no figure here (active people do not add up over months)
    sums: list[Sum] = field(default_factory=list)
    hidden: set[Cell] = field(default_factory=set)

    def shown(self, cell: Cell) -> str:
        value = self.values.get(cell)
        if value is None:
            return ""
        return HIDDEN if cell in self.hidden else str(value)


def suppress(values: Mapping[Cell, int | None], sums: Iterable[Sum]) -> set[Cell]:
    """The cells to hide: primary (1 to 4), then secondary until no sum has exactly one hidden cell."""
    hidden = {cell for cell, value in values.items() if value is not None and value in SMALL}
    groups = [(*members, total) for members, total in sums]
    changed = True
    while changed:
        changed = False
        for group in groups:
            if sum(1 for cell in group if cell in hidden) != 1:
                continue
            open_cells = [cell for cell in group if cell not in hidden and values.get(cell) is not None]
            nonzero = [cell for cell in open_cells if (values[cell] or 0) > 0]
            candidates = nonzero or open_cells
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda cell: (values[cell] or 0, cell)))
            changed = True
    return hidden


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
    signal_kinds = [kind.key for kind in STORED_KINDS]  # participation_ended is counted as `ended`
    headers = [
        "month",
        "invited",
        "enrolled",
        "ended",
        "active_28_days",
        "checkin_days",
        *[f"answer_{kind}" for kind in ANSWER_KINDS],
        "answers_total",
        *[f"signal_{kind}" for kind in signal_kinds],
        "signals_total",
    ]
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
    total_row = len(months)
    labels.append(TOTAL)
    active_column = headers.index("active_28_days")
    for column in range(1, len(headers)):
        values[(total_row, column)] = (
            None
            if column == active_column
            else sum(int(values[(row, column)] or 0) for row in range(len(months)))
        )
    sums: list[Sum] = []
    answer_columns = [headers.index(f"answer_{kind}") for kind in ANSWER_KINDS]
    signal_columns = [headers.index(f"signal_{kind}") for kind in signal_kinds]
    for row in range(len(months) + 1):
        sums.append((tuple((row, c) for c in answer_columns), (row, headers.index("answers_total"))))
        sums.append((tuple((row, c) for c in signal_columns), (row, headers.index("signals_total"))))
    for column in range(1, len(headers)):
        if column != active_column:
            sums.append((tuple((row, column) for row in range(len(months))), (total_row, column)))
    return Table(headers, labels, values, sums, suppress(values, sums))


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
    lines.append("x = hidden: a count from 1 to 4, or a cell hidden so that totals cannot reveal one.")
    return "\n".join(lines) + "\n"
