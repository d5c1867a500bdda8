"""The report as a file: self-contained HTML (no external reference), charts as SVG with text kept as text,
the same bytes for the same figures, definitions and the suppression rule stated; CSV beside it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.report import document
from bot.report.figures import Report, build
from bot.report.history import seed_year
from storage.database import Database
from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


async def seeded(path: Path) -> None:
    async with await Database.open(path) as db, db.transaction() as tx:
        await seed_year(tx, date(2026, 9, 1), months=3, people_per_month=15)


@pytest.fixture
async def made(tmp_path: Path) -> Report:
    await seeded(tmp_path / "companion.db")
    async with await Database.open(tmp_path / "companion.db") as db, db.read() as tx:
        return await build(tx, NOW, date(2026, 9, 1), date(2026, 11, 1), org=1)


def test_the_html_refers_to_nothing_outside_itself(made: Report) -> None:
    page = document.html(made, "en")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", page, re.I)
    assert not re.search(r"<(script|link|img|iframe|object)\b", page, re.I)
    assert set(re.findall(r"url\((.)", page)) <= {"#"} and "@import" not in page  # only its own clip paths
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page  # the SVGs are inlined, prolog cut
    assert page.count("<svg") == 2


def test_charts_keep_their_text_as_text_and_show_only_shown_figures(made: Report) -> None:
    page = document.html(made, "en")
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert "2026-10" in charts[0] and "Enrolled" in charts[0]  # tick labels and legend as <text>
    assert 'aria-label="Taking part"' in charts[0]


def test_the_same_figures_give_the_same_bytes(made: Report) -> None:
    assert document.html(made, "en") == document.html(made, "en")


def test_the_report_states_its_definitions_and_the_suppression_rule(made: Report) -> None:
    page = document.html(made, "en")
    assert "Small counts are hidden" in page and "at least 5" in page and "12+" in page
    assert "at least 10 items" in page
    for heading in ("Offered (invitations made)", "Active in the last 28 days", "Contact requests"):
        assert page.count(heading) >= 2  # a table row and its definition
    assert '<html lang="de">' in document.html(made, "de")


def test_the_csv_has_one_row_per_figure_and_x_for_hidden_counts(made: Report) -> None:
    rows = list(csv.reader(io.StringIO(document.csv_text(made, "en"))))
    assert rows[0] == ["key", "Figure", "2026-09", "2026-10", "2026-11", "Period"]
    keys = [row[0] for row in rows[1:]]
    assert keys == [line.key for line in made.lines]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


async def test_companion_report_writes_the_html_and_the_csv_beside_it(
    env: dict[str, str],  # noqa: F811
    tmp_path: Path,
) -> None:
    await seeded(Path(env["COMPANION_DATABASE"]))
    out = tmp_path / "report.html"
    result = companion(
        "report",
        "--from",
        "2026-09",
        "--to",
        "2026-11",
        "--region",
        "leverkusen",
        "--out",
        str(out),
        "--lang",
        "en",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Region leverkusen" in out.read_text() and out.with_suffix(".csv").exists()
    both = companion(
        "report",
        "--from",
        "2026-09",
        "--to",
        "2026-11",
        "--org",
        "1",
        "--region",
        "x",
        "--out",
        str(out),
        env=env,
    )
    assert both.returncode != 0 and "--org or --region" in both.stderr
