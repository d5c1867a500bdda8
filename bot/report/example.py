"""The example report in `docs/examples/`: a fictional year of three organisations (`bot.report.history`),
reported for July to December 2026 as of 5 January 2027, for one organisation, in English and German.

    uv run python -m bot.report.example docs/examples [en de]

The same code and data give the same bytes (fixed seed, fixed time, charts with a fixed hash salt).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from bot.report import document
from bot.report.figures import Report, build
from bot.report.history import seed_year
from storage.database import Database

AS_OF = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


async def example_report(scratch: Path) -> Report:
    async with await Database.open(scratch / "example.db") as db:
        async with db.transaction() as tx:
            await seed_year(tx, date(2026, 1, 1))
        async with db.read() as tx:
            return await build(tx, AS_OF, date(2026, 7, 1), date(2026, 12, 1), org=1)


def write_examples(folder: Path, languages: list[str]) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        made = asyncio.run(example_report(Path(scratch)))
    folder.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        page = folder / f"report-{lang}.html"
        page.write_text(document.html(made, lang), encoding="utf-8")
        beside = page.with_suffix(".csv")
        beside.write_text(document.csv_text(made, lang), encoding="utf-8")
        written += [page, beside]
    return written


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/examples")
    for path in write_examples(folder, sys.argv[2:] or ["en"]):
        print(path)


if __name__ == "__main__":
    main()
