"""`companion stats` is a view of the programme report for all organisations: the same figures, the same
cells per organisation and month, so stats and the report can never be subtracted from each other."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.stats import TOTAL, monthly
from bot.report.document import safe_cell
from bot.report.figures import build
from bot.report.history import Writer
from dialogs.coaching.disclosure import HIDDEN, SMALL, add_up, disclose
from storage import participants, personal_data
from storage.database import Database
from tests.bot.test_cli import companion, env  # noqa: F401 (the fixture)

OCT = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)


async def seed(path: Path) -> None:
    """October: organisation A enrols 9 people, organisation B 3 (a count the report hides)."""
    db = await Database.open(path)
    async with db.transaction() as tx:
        write = Writer(tx)
        a = await write.coach(await write.organisation("A", "leverkusen", OCT), OCT)
        b = await write.coach(await write.organisation("B", "leverkusen", OCT), OCT)
        for n in range(9):
            await write.join(OCT + timedelta(hours=n), a)
        for n in range(3):
            await write.join(OCT + timedelta(hours=n), b)
    await db.close()


def stats_csv(env: dict[str, str], *args: str) -> dict[str, dict[str, str]]:  # noqa: F811
    result = companion("stats", *args, "--csv", env=env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return {row[0]: dict(zip(rows[0][1:], row[1:], strict=True)) for row in rows[1:]}


async def test_stats_minus_the_report_gives_no_hidden_count_back(env: dict[str, str]) -> None:  # noqa: F811
    path = Path(env["COMPANION_DATABASE"])
    await seed(path)
    stats = stats_csv(env, "--from", "2026-10", "--to", "2026-10")
    async with await Database.open(path) as db, db.read() as tx:
        made = await build(tx, datetime.now(UTC), date(2026, 10, 1), date(2026, 10, 1))
    # The report for all organisations shows A's 9 and leaves B's 3 out: "9+". Stats printing 12 would
    # give the 3 back (12 - 9); it prints the report's figure instead, for every figure they share.
    assert made.line("enrolled").months == ["9+"]
    assert stats["2026-10"]["enrolled"] == "9+"
    shared = [line for line in made.lines if line.key in stats["2026-10"]]
    assert [line.key for line in shared][:2] == ["offered", "enrolled"]
    for line in shared:
        assert stats["2026-10"][line.key] == line.months[0], line.key
        assert stats["total"][line.key] == line.total, line.key


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


async def test_stats_cli_prints_text_and_safe_csv_and_starts_at_the_first_invitation(
    env: dict[str, str],  # noqa: F811
) -> None:
    await seed(Path(env["COMPANION_DATABASE"]))
    text = companion("stats", "--from", "2026-10", "--to", "2026-11", env=env)
    assert text.returncode == 0, text.stderr
    assert "2026-10\n  offered" in text.stdout and "x = hidden" in text.stdout and "12+ = " in text.stdout
    every = stats_csv(env)  # from the first invitation's month to this one
    assert next(iter(every)) == "2026-10" and list(every)[-1] == TOTAL
    assert every["2026-10"]["offered"] == "9+" and every["2026-10"]["taking_part"] == "9+"
    assert every[TOTAL]["taking_part"] == ""  # a figure at a month's end is no sum
    wrong = companion("stats", "--from", "2026-13", env=env)
    assert wrong.returncode == 2 and "a month must look like 2026-11" in wrong.stderr
    backwards = companion("stats", "--from", "2026-11", "--to", "2026-10", env=env)
    assert backwards.returncode == 2 and "--from must not be after --to" in backwards.stderr


async def test_ended_counts_who_stopped_that_month_and_are_still_stopped(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "companion.db")
    november = datetime(2026, 11, 2, tzinfo=UTC)
    async with db.transaction() as tx:
        write = Writer(tx)
        people = [await write.join(OCT, None, "leverkusen") for _ in range(12)]
        for person in people[:6]:
            await write.stop(person, OCT + timedelta(days=1))
        for person in people[6:10]:
            await write.stop(person, november)
        # One came back after stopping, one stopped and then deleted everything: neither is counted.
        await participants.set_status(tx, people[9], participants.Status.ACTIVE, november + timedelta(days=1))
        gone = await participants.by_id(tx, people[8])
        assert gone is not None
        await personal_data.erase(tx, gone.id, gone.chat_id)
    async with db.read() as tx:
        made = await monthly(tx, datetime(2026, 12, 7, tzinfo=UTC), None, "2026-11")
    await db.close()
    assert "signal:participation_ended" not in [line.key for line in made.lines]  # a notice, never stored
    # October 6, November 2 (hidden); the total does not give the 2 back.
    assert made.line("ended").months == ["6", HIDDEN] and made.line("ended").total == "6+"
