"""`companion stats`: small counts suppressed, totals cannot reveal them, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluation import render_csv, safe_cell, stats_table
from dialogs.coaching.disclosure import HIDDEN, SMALL, add_up, disclose
from storage import invitations, participants, personal_data, signals
from storage.database import Database
from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_cell_is_shown_by_its_own_count_and_a_total_adds_only_what_is_shown() -> None:
    assert [str(disclose(n)) for n in (0, 1, 4, 5, 12)] == ["0", HIDDEN, HIDDEN, "5", "12"]
    assert str(add_up([disclose(3), disclose(12), disclose(0)])) == "12+"
    assert str(add_up([disclose(7), disclose(12)])) == "19"
    assert str(add_up([disclose(2), disclose(0)])) == HIDDEN  # nothing shown at all: no "0+"
    assert str(add_up([add_up([disclose(3), disclose(6)]), disclose(5)])) == "11+"


@settings(max_examples=300)
@given(st.lists(st.integers(0, 12), max_size=8))
def test_a_total_never_contains_a_hidden_count(counts: list[int]) -> None:
    total = add_up(disclose(n) for n in counts)
    shown = sum(n for n in counts if n not in SMALL)
    assert total.shown in (shown, None)
    assert total.partial == any(n in SMALL for n in counts) or total.shown is None


@given(st.text(max_size=30))
def test_no_csv_cell_starts_like_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell.startswith("'")
    assert cell.endswith(text)


async def fill(path: Path) -> None:
    db = await Database.open(path)
    async with db.transaction() as tx:
        # October: 12 invited, 7 joined; November: 3 invited, 3 joined. Signals: a few of each.
        for month, invited, joined in ((datetime(2026, 10, 5, tzinfo=UTC), 12, 7), (NOW, 3, 3)):
            for number in range(invited):
                created = await invitations.create(tx, month, timedelta(days=14))
                if number < joined:
                    person = await participants.create(
                        tx,
                        chat_id=int(month.timestamp()) + number,
                        locale="de",
                        timezone="Europe/Berlin",
                        now=month,
                    )
                    await invitations.mark_used(tx, created.id, person.id, month)
                    if number < 6:
                        await signals.insert(tx, person.id, "contact_requested", None, month)
                    if number == 0:
                        await signals.insert(tx, person.id, "new_date_needed", None, month)
    await db.close()


async def test_stats_table_hides_small_cells_and_totals_add_only_what_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "companion.db"
    await fill(path)
    async with await Database.open(path) as db, db.read() as tx:
        table = await stats_table(tx, NOW, None, None)
        november = await stats_table(tx, NOW, date(2026, 11, 1), None)
    assert table.rows == ["2026-10", "2026-11", "total"]
    column = {name: index for index, name in enumerate(table.headers)}
    assert table.shown((1, column["invited"])) == HIDDEN  # 3
    # The 12 is shown, and the total is "12+", not 15: 15 - 12 would give the 3 back.
    assert table.shown((0, column["invited"])) == "12" and table.shown((2, column["invited"])) == "12+"
    assert table.shown((0, column["enrolled"])) == "7" and table.shown((2, column["enrolled"])) == "7+"
    assert table.shown((0, column["signal_new_date_needed"])) == HIDDEN  # 1
    assert table.shown((0, column["signal_contact_requested"])) == "6"
    assert table.shown((0, column["signals_total"])) == "6+"  # 7 - 6 would give the 1 back
    assert table.shown((2, column["signal_new_date_needed"])) == HIDDEN  # 1 and 1: nothing shown
    assert table.shown((0, column["signal_paused"])) == "0"
    assert (
        table.shown((0, column["active_28_days"])) == "0" and table.shown((2, column["active_28_days"])) == ""
    )
    # A month's figure is the same whatever the period asked.
    assert november.rows == ["2026-11", "total"]
    assert [november.shown((0, c)) for c in range(1, len(november.headers))] == [
        table.shown((1, c)) for c in range(1, len(table.headers))
    ]


async def test_stats_cli_prints_text_and_safe_csv(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    await fill(Path(env["COMPANION_DATABASE"]))
    text = companion("stats", "--from", "2026-10", "--to", "2026-11", env=env)
    assert text.returncode == 0, text.stderr
    assert "2026-10\n  invited" in text.stdout and "x = hidden" in text.stdout and "12+ = " in text.stdout
    result = companion("stats", "--from", "2026-10", "--to", "2026-11", "--csv", env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["month", "invited", "enrolled"]
    assert [row[0] for row in rows[1:]] == ["2026-10", "2026-11", "total"]
    assert rows[1][1] == "12" and rows[2][1] == HIDDEN and rows[3][1] == "12+"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    wrong = companion("stats", "--from", "2026-13", env=env)
    assert wrong.returncode == 2 and "a month must look like 2026-11" in wrong.stderr


def test_render_csv_quotes_formula_like_labels() -> None:
    from bot.evaluation import Table

    table = Table(["month", "=cmd()"], ["@evil", "total"], {(0, 1): 5, (1, 1): 5})
    assert render_csv(table).splitlines() == ["month,'=cmd()", "'@evil,5", "total,5"]


async def test_ended_counts_who_stopped_that_month_and_no_signal_column_is_always_zero(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "companion.db")
    october, november = datetime(2026, 10, 5, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)
    async with db.transaction() as tx:
        people = []
        for number in range(12):
            created = await invitations.create(tx, october, timedelta(days=14))
            person = await participants.create(
                tx, chat_id=5000 + number, locale="de", timezone="Europe/Berlin", now=october
            )
            await invitations.mark_used(tx, created.id, person.id, october)
            people.append(person)
        for person in people[:6]:
            await participants.set_status(
                tx, person.id, participants.Status.STOPPED, october + timedelta(days=1)
            )
        for person in people[6:10]:
            await participants.set_status(tx, person.id, participants.Status.STOPPED, november)
        # One came back after stopping, one stopped and then deleted everything: neither is counted.
        await participants.set_status(
            tx, people[9].id, participants.Status.ACTIVE, november + timedelta(days=1)
        )
        await personal_data.erase(tx, people[8].id, people[8].chat_id)
        await signals.insert(tx, people[10].id, "contact_requested", None, october)
    async with db.read() as tx:
        table = await stats_table(tx, NOW, None, None)
    await db.close()
    column = {name: index for index, name in enumerate(table.headers)}
    assert "signal_participation_ended" not in column  # a notice to coaches, never stored as a signal
    assert [name for name in table.headers if name.startswith("signal_")] == [
        "signal_contact_requested",
        "signal_new_date_needed",
        "signal_help_to_get_there",
        "signal_mood_low",
        "signal_no_checkin",
        "signal_paused",
        "signal_unreachable",
    ]
    ended = column["ended"]
    assert [table.values[(row, ended)] for row in range(3)] == [6, 2, 8]
    # The 2 is hidden, and the total does not give it back: 6 shown, the total only "6+".
    assert [table.shown((row, ended)) for row in range(3)] == ["6", HIDDEN, "6+"]
    assert table.values[(0, column["signals_total"])] == 1
