"""`companion stats`: the programme report for all organisations (`bot.report.figures`), one row per month.

A view of the report, not a count of its own: every figure is the report's, worked out per organisation and
month and added up from the cells shown, so nothing printed here and in a report can be subtracted to give a
hidden count back (docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import datetime

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, command
from bot.report.document import safe_cell
from bot.report.figures import Report, build
from bot.report.scope import parse_month
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock
from storage import report
from storage.database import Tx

TOTAL = "total"
LEGEND = (
    "x = hidden: a count from 1 to 4 (a part of another figure also when the rest is 1 to 4).",
    "12+ = a total of the figures shown; hidden ones (1 to 4 each) come on top.",
    "Empty: no figure (figures at a month's end have no total; times need at least 10 requests).",
)


def declare(sub: Subparsers) -> None:
    stats = command(
        sub,
        "stats",
        help="monthly figures of all organisations (the programme report's), small counts suppressed",
        description="Per month and for the period, the figures of `companion report` for all "
        "organisations: offered, enrolled, ended, taking part, active, paused, pauses begun, consent per "
        "scope, signals by kind, appointment reminders sent and answered, contact requests and response "
        "times. Counts from 1 to 4 are shown as x; totals add only the figures shown (12+), per month and "
        "organisation, so neither two outputs nor this and a report can be subtracted to reveal one (see "
        "docs/evaluation.md).",
        runs=print_stats,
    )
    stats.add_argument(
        "--from", dest="start", default=None, help="first month, YYYY-MM (default: first invitation)"
    )
    stats.add_argument("--to", dest="end", default=None, help="last month, YYYY-MM (default: this month)")
    stats.add_argument("--csv", action="store_true", help="CSV (safe to open in a spreadsheet)")


async def monthly(tx: Tx, now: datetime, start: str | None, end: str | None) -> Report:
    this_month = now.strftime("%Y-%m")
    first = start or await report.first_month(tx) or this_month
    return await build(tx, now, parse_month(first), parse_month(end or this_month))


def print_stats(settings: Settings, args: argparse.Namespace) -> int:
    for month in (args.start, args.end):
        if month:
            parse_month(month)
    if args.start and args.end and parse_month(args.start) > parse_month(args.end):
        raise SettingsError("--from must not be after --to")
    now = SystemClock().now()
    made = read_database(settings, lambda tx: monthly(tx, now, args.start, args.end))
    print(render_csv(made) if args.csv else render_text(made), end="")
    return 0


def rows(made: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """One row per month and the period's: (label, [(figure key, shown figure)])."""
    found = [
        (month, [(line.key, line.months[i]) for line in made.lines]) for i, month in enumerate(made.months)
    ]
    return [*found, (TOTAL, [(line.key, line.total) for line in made.lines])]


def render_csv(made: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in ["month", *[line.key for line in made.lines]]])
    for label, cells in rows(made):
        writer.writerow([safe_cell(label), *[safe_cell(shown) for _, shown in cells]])
    return out.getvalue()


def render_text(made: Report) -> str:
    """One block per month (the table is too wide for a terminal), then the legend."""
    lines = []
    for label, cells in rows(made):
        lines.append(label)
        lines += [f"  {key:32} {shown:>6}" for key, shown in cells if shown]
    return "\n".join([*lines, "", *LEGEND]) + "\n"
