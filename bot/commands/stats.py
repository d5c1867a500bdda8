"""`companion stats`: monthly evaluation figures with small counts hidden (the figures: `bot.evaluation`)."""

from __future__ import annotations

import argparse

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, command
from bot.evaluation import parse_month, render_csv, render_text, stats_table
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock


def declare(sub: Subparsers) -> None:
    stats = command(
        sub,
        "stats",
        help="monthly evaluation figures, small counts suppressed",
        description="Per month: invited, enrolled, active in the last 28 days, check-in days, appointment "
        "answers by kind, signals by kind. Counts from 1 to 4 are shown as x; totals add only the "
        "figures shown (12+), so no two reports can be subtracted to reveal one (see docs/evaluation.md).",
        runs=print_stats,
    )
    stats.add_argument("--from", dest="start", default=None, help="first month, YYYY-MM")
    stats.add_argument("--to", dest="end", default=None, help="last month, YYYY-MM")
    stats.add_argument("--csv", action="store_true", help="CSV (safe to open in a spreadsheet)")


def print_stats(settings: Settings, args: argparse.Namespace) -> int:
    start = parse_month(args.start) if args.start else None
    end = parse_month(args.end) if args.end else None
    if start and end and start > end:
        raise SettingsError("--from must not be after --to")
    now = SystemClock().now()

    table = read_database(settings, lambda tx: stats_table(tx, now, start, end))
    print(render_csv(table) if args.csv else render_text(table), end="")
    return 0
