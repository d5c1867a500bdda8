"""`companion report`: the programme report for a period, as self-contained HTML and CSV beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.in_database import read_database
from bot.commands.parsing import Subparsers, command
from bot.report import document
from bot.report.figures import build
from bot.report.scope import parse_month
from bot.settings import Settings, SettingsError
from dialogs.core.clock import SystemClock


def declare(sub: Subparsers) -> None:
    report = command(
        sub,
        "report",
        help="programme report (HTML with charts, and CSV) per organisation or region",
        description="Figures by month and for the period: offered, enrolled, taking part, active, "
        "paused, pauses begun, ended; consent per scope; signals by kind; appointment reminders sent and "
        "answered; how fast contact requests were taken and closed (working hours). Counts from 1 to 4 are "
        "shown as x and totals add only what is shown, per month and organisation (docs/evaluation.md). "
        "Writes OUT and OUT with .csv beside it.",
        runs=write_report,
    )
    report.add_argument("--from", dest="start", required=True, help="first month, YYYY-MM")
    report.add_argument("--to", dest="end", required=True, help="last month, YYYY-MM")
    report.add_argument("--org", type=int, default=None, help="one organisation (its id)")
    report.add_argument(
        "--region", default=None, help="one region (its organisations and people without one)"
    )
    report.add_argument("--out", required=True, type=Path, help="the HTML file to write")
    report.add_argument("--lang", choices=document.LANGUAGES, default="de", help="language (default: de)")


def write_report(settings: Settings, args: argparse.Namespace) -> int:
    start, end = parse_month(args.start), parse_month(args.end)
    if start > end:
        raise SettingsError("--from must not be after --to")
    now = SystemClock().now()
    made = read_database(settings, lambda tx: build(tx, now, start, end, args.org, args.region), create=False)
    out: Path = args.out
    out.write_text(document.html(made, args.lang), encoding="utf-8")
    beside = out.with_suffix(".csv")
    beside.write_text(document.csv_text(made, args.lang), encoding="utf-8")
    print(f"{out}\n{beside}")
    return 0
