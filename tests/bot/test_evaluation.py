"""`companion stats`: small counts suppressed, totals cannot reveal them, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluation import HIDDEN, Cell, Sum, render_csv, safe_cell, stats_table, suppress
from storage import invitations, participants, personal_data, signals
from storage.database import Database
from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def grid(matrix: list[list[int]]) -> tuple[dict[Cell, int | None], list[Sum]]:
    """A table with a total column, a total row and a grand total, and the sums that hold."""
    rows, columns = len(matrix), len(matrix[0])
    values: dict[Cell, int | None] = {}
    for i, line in enumerate(matrix):
        for j, value in enumerate(line):
            values[(i, j)] = value
        values[(i, columns)] = sum(line)
    for j in range(columns + 1):
        values[(rows, j)] = sum(int(values[(i, j)] or 0) for i in range(rows))
    sums: list[Sum] = [(tuple((i, j) for j in range(columns)), (i, columns)) for i in range(rows + 1)]
    sums += [(tuple((i, j) for i in range(rows)), (rows, j)) for j in range(columns + 1)]
    return values, sums


def test_a_row_total_minus_the_visible_cells_does_not_reveal_a_small_count() -> None:
    values, sums = grid([[3, 7, 0, 12], [20, 30, 40, 50]])
    hidden = suppress(values, sums)
    assert (0, 0) in hidden  # the 3
    # Without more hiding, 22 (row total) - 7 - 0 - 12 would give the 3 back.
    row = [(0, j) for j in range(4)] + [(0, 4)]
    assert sum(1 for cell in row if cell in hidden) >= 2
    # The smallest non-zero partner is hidden, not a zero (which would protect nothing).
    assert (0, 1) in hidden and (0, 2) not in hidden
    # Its column now has a hidden cell too, so that column's total is protected the same way.
    for members, total in sums:
        assert sum(1 for cell in (*members, total) if cell in hidden) != 1


def test_when_all_other_cells_are_zero_the_total_is_hidden() -> None:
    values, sums = grid([[2, 0, 0], [0, 0, 0]])
    hidden = suppress(values, sums)
    assert {(0, 0), (0, 3)} <= hidden
    for members, total in sums:
        assert sum(1 for cell in (*members, total) if cell in hidden) != 1


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 12), min_size=columns, max_size=columns), min_size=1, max_size=6
        )
    )
)
def test_suppression_never_leaves_a_sum_with_one_hidden_cell(matrix: list[list[int]]) -> None:
    values, sums = grid(matrix)
    hidden = suppress(values, sums)
    for cell, value in values.items():
        if value is not None and 1 <= value <= 4:
            assert cell in hidden
    for members, total in sums:
        group = (*members, total)
        assert sum(1 for cell in group if cell in hidden) != 1
        # Differencing: what the visible cells and a visible total say about the hidden ones is only
        # their sum, never a single one.
        shown_total = values[total] if total not in hidden else None
        hidden_members = [cell for cell in members if cell in hidden]
        if shown_total is not None and len(hidden_members) == 1:
            raise AssertionError(f"{hidden_members[0]} = total - visible cells")


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


async def test_stats_table_suppresses_small_cells_and_protects_totals(tmp_path: Path) -> None:
    path = tmp_path / "companion.db"
    await fill(path)
    async with await Database.open(path) as db, db.read() as tx:
        table = await stats_table(tx, NOW, None, None)
    assert table.rows == ["2026-10", "2026-11", "total"]
    column = {name: index for index, name in enumerate(table.headers)}
    assert table.shown((1, column["invited"])) == HIDDEN  # 3
    # The total 15 minus a visible 12 would give the 3 back: the 12 (the smallest partner) is hidden.
    assert table.shown((0, column["invited"])) == HIDDEN
    assert table.shown((2, column["invited"])) == "15"
    assert table.shown((0, column["enrolled"])) == HIDDEN and table.shown((2, column["enrolled"])) == "10"
    assert table.shown((0, column["signal_new_date_needed"])) == HIDDEN  # 1
    # 7 signals in October minus 6 contact requests would give the 1 back: the 6 is hidden too.
    assert table.shown((0, column["signal_contact_requested"])) == HIDDEN
    assert table.shown((0, column["signal_paused"])) == "0"
    assert table.shown((2, column["signals_total"])) == "11"
    for members, total in table.sums:
        assert sum(1 for cell in (*members, total) if cell in table.hidden) != 1
    assert table.shown((0, column["active_28_days"])) == "0"


async def test_stats_cli_prints_text_and_safe_csv(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    await fill(Path(env["COMPANION_DATABASE"]))
    text = companion("stats", "--from", "2026-10", "--to", "2026-11", env=env)
    assert text.returncode == 0, text.stderr
    assert "2026-10\n  invited" in text.stdout and "x = hidden" in text.stdout
    result = companion("stats", "--from", "2026-10", "--to", "2026-11", "--csv", env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["month", "invited", "enrolled"]
    assert [row[0] for row in rows[1:]] == ["2026-10", "2026-11", "total"]
    assert rows[1][1] == HIDDEN and rows[2][1] == HIDDEN and rows[3][1] == "15"
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
        "signal_crisis_help_used",
    ]
    ended = column["ended"]
    assert [table.values[(row, ended)] for row in range(3)] == [6, 2, 8]
    # The 2 is hidden, and so is the 6 that the total 8 would otherwise give it back from.
    assert [table.shown((row, ended)) for row in range(3)] == [HIDDEN, HIDDEN, "8"]
    assert table.values[(0, column["signals_total"])] == 1
    for members, total in table.sums:
        assert sum(1 for cell in (*members, total) if cell in table.hidden) != 1
