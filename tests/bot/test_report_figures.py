"""`companion report`'s figures against a seeded history: each figure per organisation and region, small
counts hidden per month and organisation, totals that add only what is shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.report.figures import Report, build
from bot.report.history import Writer
from storage.database import Database

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
OCT = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)  # a Tuesday
NOV = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
ORG_A, ORG_B, ORG_C = 1, 2, 3


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """Three organisations: A and B in Leverkusen, C in Bochum.

    A: October 5 join (2 more invitations unused), November 3 join, one October person stops in November,
    one is also accompanied by B (a tandem). B: October 2 join. The CLI invites 6 for Leverkusen in
    October, nobody joins. A's October people: 4 check in in late November, 1 paused over the month's end;
    5 gave consent to sharing with A in October, one took it back in November. Signals to A: October 6
    contact requests, 2 mood_low. Appointments in November: 7 with one reminder sent (6 answered), 1 without.
    """
    database = await Database.open(tmp_path / "companion.db")
    async with database.transaction() as tx:
        write = Writer(tx)
        assert await write.organisation("A", "leverkusen", OCT) == ORG_A
        assert await write.organisation("B", "leverkusen", OCT) == ORG_B
        assert await write.organisation("C", "bochum", OCT) == ORG_C
        a, b = await write.coach(ORG_A, OCT), await write.coach(ORG_B, OCT)
        october = [await write.join(OCT + timedelta(days=n), a) for n in range(5)]
        for _ in range(2):
            await write.invitation(OCT, a)
        november = [await write.join(NOV, a) for _ in range(3)]
        await write.stop(october[0], NOV)
        await write.link(october[1], b, OCT)
        for _ in range(2):
            await write.join(OCT, b)
        for _ in range(6):
            await write.invitation(OCT, None, "leverkusen")
        for person in october[1:]:
            await write.checkin(person, datetime(2026, 11, 25, 19, 0, tzinfo=UTC))
        await write.pause(october[2], datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC))
        for person in october:
            await write.consent(person, "sharing", True, OCT + timedelta(days=9), ORG_A)
        await write.consent(october[1], "sharing", False, NOV, ORG_A)
        for n in range(6):
            await write.signal(october[n % 5], "contact_requested", OCT + timedelta(days=1), ORG_A)
        for n in range(2):
            await write.signal(october[n], "mood_low", OCT + timedelta(days=1), ORG_A)
        for n in range(6):
            await write.appointment(november[n % 3], NOV + timedelta(days=n), ["2h"], "there" if n else None)
        await write.appointment(october[1], NOV, ["2h"], "cannot")
        await write.appointment(november[0], NOV, [], "there")  # no reminder: not counted
    yield database
    await database.close()


async def report(db: Database, start: date, end: date, **scope: int | str) -> Report:
    async with db.read() as tx:
        return await build(tx, NOW, start, end, **scope)  # type: ignore[arg-type]


def row(made: Report, key: str) -> list[str]:
    line = made.line(key)
    return [*line.months, line.total]


async def test_each_figure_of_one_organisation_by_month_and_for_the_period(db: Database) -> None:
    made = await report(db, date(2026, 10, 1), date(2026, 11, 1), org=ORG_A)
    assert made.months == ["2026-10", "2026-11"]
    assert row(made, "offered") == [
        "7",
        "x",
        "7+",
    ]  # 5 + 2 unused; November's 3 hidden, left out of the total
    assert row(made, "enrolled") == ["5", "x", "5+"]
    assert row(made, "ended") == ["0", "x", "x"]
    # At the month's end: no period total (they are not sums).
    assert row(made, "taking_part") == ["5", "7", ""]
    assert row(made, "active") == ["0", "x", ""]  # 4 checked in, in November (and 7 - 4 = 3 is small)
    assert row(made, "paused") == ["0", "x", ""]
    assert row(made, "pauses_begun") == ["0", "x", "x"]  # counted when it began, a sum over months
    assert row(made, "consent:sharing") == ["5", "x", ""]  # one of 5 took it back; one stopped
    assert row(made, "signal:contact_requested") == ["6", "0", "6"]
    assert row(made, "signal:mood_low") == ["x", "0", "x"]
    # November's pause signal is 0 of 1 pause begun: the rest (1) is small, so the 0 is hidden too.
    assert row(made, "signal:paused") == ["0", "x", "x"]
    assert row(made, "signals_total") == ["6+", "x", "6+"]
    assert row(made, "reminded") == ["0", "7", "7"]  # reminders sent
    # 6 of 7 answered: shown, 7 - 6 would give the one unanswered reminder back, so it is hidden.
    assert row(made, "answered") == ["0", "x", "x"]


async def test_a_region_adds_up_its_organisations_shown_cells_only(db: Database) -> None:
    made = await report(db, date(2026, 10, 1), date(2026, 10, 1), region="leverkusen")
    # A 7, B 2 (hidden), the CLI's 6 for the region: 13 shown, B's 2 never added.
    assert row(made, "offered") == ["13+", "13+"]
    assert row(made, "enrolled") == ["5+", "5+"]
    # The tandem person counts for A and for B: B's cell is 3, hidden.
    assert row(made, "taking_part") == ["5+", ""]
    bochum = await report(db, date(2026, 10, 1), date(2026, 10, 1), region="bochum")
    assert row(bochum, "offered") == ["0", "0"]


async def test_the_same_month_shows_the_same_figure_in_every_period(db: Database) -> None:
    both = await report(db, date(2026, 10, 1), date(2026, 11, 1), org=ORG_A)
    november = await report(db, date(2026, 11, 1), date(2026, 11, 1), org=ORG_A)
    october = await report(db, date(2026, 10, 1), date(2026, 10, 1), org=ORG_A)
    for line in both.lines:
        assert line.months == october.line(line.key).months + november.line(line.key).months, line.key
    # The difference of the two periods' totals is October's shown figure, never November's hidden 3.
    assert both.line("offered").total == "7+" and october.line("offered").total == "7"


async def test_a_month_not_begun_has_no_snapshot_and_unknown_scopes_are_refused(db: Database) -> None:
    made = await report(db, date(2026, 12, 1), date(2027, 1, 1), org=ORG_A)
    assert row(made, "taking_part") == ["7", "", ""]
    assert row(made, "offered") == ["0", "0", "0"]
    from bot.settings import SettingsError

    with pytest.raises(SettingsError):
        await report(db, date(2026, 10, 1), date(2026, 10, 1), org=99)
    with pytest.raises(SettingsError):
        await report(db, date(2026, 11, 1), date(2026, 10, 1))
