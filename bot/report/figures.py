"""The published report: every count disclosed by `dialogs.coaching.disclosure`, cell by cell.

A cell is one line (a figure), one month and one unit (an organisation, or a region without one). Its count
is worked out the same way whatever period or scope is asked, and it is shown when it is 0 or at least 5. A
month's figure for a region or the whole installation, a period total, and a sum of kinds all add up only
the cells shown (`12+` when hidden ones were left out), so no difference of two reports, of any periods or
scopes, gives back a hidden count. Figures at a month's end (taking part, active, paused, consents) have no
period total: they are not sums. Response times are not counts: see `bot.report.response_times`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.report import response_times as rt
from bot.report.counts import Counts, collect
from bot.report.scope import Scope, choose, months_between, units_of
from dialogs.coaching.alerts import URGENT_KINDS
from dialogs.coaching.disclosure import SMALL, Figure, add_up, disclose
from dialogs.consent_texts import SCOPES
from dialogs.signals.catalogue import STORED_KINDS
from storage import inbox, report
from storage.database import Tx
from storage.inbox import TeamSettings
from storage.report import Unit

PARTICIPATION = ("offered", "enrolled", "ended", "taking_part", "active", "paused", "pauses_begun")
AT_MONTH_END = frozenset({"taking_part", "active", "paused", *[f"consent:{s.key}" for s in SCOPES]})
APPOINTMENTS = ("reminded", "answered")
# A part and its whole: the part is hidden when the rest is small (see `_cell`).
PARTS = {
    "active": "taking_part",
    "paused": "taking_part",
    "answered": "reminded",
    "not_taken": "items",
    "signal:paused": "pauses_begun",  # nearly: a pause begun, with sharing, raises the signal
}
RESPONSE = ("items", "not_taken", "take_median", "take_p90", "close_median", "close_p90")


@dataclass
class Line:
    key: str
    group: str
    months: list[str]  # one shown figure per month ('' where there is none, e.g. a month not begun)
    total: str  # the period's figure; '' for a figure at a month's end
    figures: list[Figure | None] = field(default_factory=list)


@dataclass
class Report:
    scope: Scope
    months: list[str]
    made_at: datetime
    lines: list[Line]

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


def part_of(key: str) -> str | None:
    """The figure a line is a part of (active people are some of those taking part), if any."""
    if key.startswith("consent:"):
        return "taking_part"
    return PARTS.get(key)


def _cell(counts: Counts, key: str, unit: Unit, month: str) -> Figure:
    """One cell, shown when its count is 0 or at least 5; a part of another figure also only when the rest
    (those taking part but not active, reminders not answered) is 0 or at least 5, so that no subtraction of
    two shown cells gives a count from 1 to 4."""
    count = counts.get(key, unit, month)
    whole = part_of(key)
    if whole is not None and counts.get(whole, unit, month) - count in SMALL:
        return Figure(None)
    return disclose(count)


def count_line(
    counts: Counts, key: str, group: str, units: list[Unit], months: list[str], started: int
) -> Line:
    figures: list[Figure | None] = []
    for index, month in enumerate(months):
        if index >= started and key in AT_MONTH_END:
            figures.append(None)
            continue
        figures.append(add_up(_cell(counts, key, unit, month) for unit in units))
    total = "" if key in AT_MONTH_END else str(add_up(f for f in figures if f is not None))
    return Line(key, group, [str(f) if f is not None else "" for f in figures], total, figures)


def sum_line(key: str, group: str, parts: list[Line]) -> Line:
    figures: list[Figure | None] = [
        add_up(_present(p.figures[i] for p in parts)) for i in range(len(parts[0].figures))
    ]
    total = add_up(_present(figures))
    return Line(key, group, [str(f) for f in figures], str(total), figures)


def _present(figures: Iterable[Figure | None]) -> list[Figure]:
    return [f for f in figures if f is not None]


async def build(
    tx: Tx, now: datetime, start: date, end: date, org: int | None = None, region: str | None = None
) -> Report:
    organisations = await report.organisations(tx)
    scope = choose(organisations, org, region)
    months = months_between(start, end)
    keys = [m.strftime("%Y-%m") for m in months]
    started = sum(1 for m in months if (m.year, m.month) <= (now.year, now.month))
    counts = await collect(tx, now, months)
    units = units_of(scope, organisations, counts.seen)
    lines = [count_line(counts, key, "participation", units, keys, started) for key in PARTICIPATION]
    lines += [count_line(counts, f"consent:{s.key}", "consent", units, keys, started) for s in SCOPES]
    kinds = [count_line(counts, f"signal:{k.key}", "signals", units, keys, started) for k in STORED_KINDS]
    lines += [*kinds, sum_line("signals_total", "signals", kinds)]
    lines += [count_line(counts, key, "appointments", units, keys, started) for key in APPOINTMENTS]
    lines += await _response_lines(tx, scope, units, keys)
    return Report(scope, keys, now, lines)


async def _response_lines(tx: Tx, scope: Scope, units: list[Unit], months: list[str]) -> list[Line]:
    """Urgent items (contact requests) by the month they came in: how many, how many nobody took (yet), and
    the median and 90th percentile of the working time to take and to close them."""
    regions = {unit[0]: unit for unit in units if unit[0] is not None}
    settings: dict[int, TeamSettings] = {o: await inbox.settings(tx, o) for o in regions}
    items = [
        item
        for item in await report.urgent_items(tx, tuple(sorted(URGENT_KINDS)))
        if item.organisation_id in regions and rt.counted(item)
    ]
    counts = Counts()
    take: dict[str, list[timedelta]] = {m: [] for m in months}
    close: dict[str, list[timedelta]] = {m: [] for m in months}
    for item in items:
        month, unit, team = (
            item.created_at.strftime("%Y-%m"),
            regions[item.organisation_id],
            settings[item.organisation_id],
        )
        counts.add("items", unit, month)
        if item.taken_at is None:
            counts.add("not_taken", unit, month)
        if month in take:
            if (taken := rt.time_to_take(item, team)) is not None:
                take[month].append(taken)
            if (closed := rt.time_to_close(item, team)) is not None:
                close[month].append(closed)
    lines = [
        count_line(counts, key, "response", units, months, len(months)) for key in ("items", "not_taken")
    ]
    for key, values, share in (
        ("take_median", take, 0.5),
        ("take_p90", take, 0.9),
        ("close_median", close, 0.5),
        ("close_p90", close, 0.9),
    ):
        per_month = [rt.hours_minutes(rt.shown_time(values[m], share)) for m in months]
        period = rt.hours_minutes(rt.shown_time([v for m in months for v in values[m]], share))
        lines.append(Line(key, "response", per_month, period))
    return lines
