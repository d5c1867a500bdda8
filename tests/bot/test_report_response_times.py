"""Response times in the organisation's working hours: over a weekend, out of hours, never taken, withdrawn,
and the rule that a median or 90th percentile needs at least 10 items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.report.figures import build
from bot.report.history import Writer
from bot.report.response_times import MIN_ITEMS, percentile, working_time
from storage import inbox
from storage.database import Database
from storage.inbox import TeamSettings

HOURS = TeamSettings()  # Monday to Friday, 08:00 to 16:00 Berlin
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026 in Berlin (UTC+1)."""
    return datetime(2026, 11, day, hour - 1, minute, tzinfo=UTC)


def test_a_request_taken_over_a_weekend_counts_only_the_working_hours() -> None:
    # Friday 13 November 15:00 -> Monday 16 November 09:00: one hour on Friday, one on Monday.
    assert working_time(berlin(13, 15), berlin(16, 9), HOURS) == timedelta(hours=2)


def test_time_out_of_hours_does_not_count() -> None:
    # Saturday 10:00 -> Monday 08:30: half an hour; Tuesday 20:00 -> Wednesday 07:30: nothing.
    assert working_time(berlin(14, 10), berlin(16, 8, 30), HOURS) == timedelta(minutes=30)
    assert working_time(berlin(17, 20), berlin(18, 7, 30), HOURS) == timedelta(0)
    # Within one working day: the plain difference.
    assert working_time(berlin(18, 9), berlin(18, 11, 15), HOURS) == timedelta(hours=2, minutes=15)


def test_a_long_wait_spans_more_than_the_escalation_look_ahead() -> None:
    # Monday 2 November 08:00 -> Monday 30 November 08:00: four working weeks of 5 x 8 hours.
    assert working_time(berlin(2, 8), berlin(30, 8), HOURS) == timedelta(hours=160)


def test_an_organisation_without_working_days_counts_the_whole_time() -> None:
    never = TeamSettings(work_days="")
    assert working_time(berlin(14, 10), berlin(14, 13), never) == timedelta(hours=3)


def test_percentiles_are_nearest_rank() -> None:
    values = [timedelta(minutes=n) for n in range(1, 11)]
    assert percentile(values, 0.5) == timedelta(minutes=5)
    assert percentile(values, 0.9) == timedelta(minutes=9)


async def test_never_taken_and_withdrawn_items_and_the_ten_item_rule(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "companion.db") as db:
        async with db.transaction() as tx:
            write = Writer(tx)
            org = await write.organisation("A", "leverkusen", berlin(2, 8))
            await inbox.set_settings(tx, org, HOURS)
            person = await write.join(berlin(2, 8), await write.coach(org, berlin(2, 8)))
            # October: 9 taken, each after 1 working hour: too few for a median.
            for n in range(9):
                came = datetime(2026, 10, 6 + n % 3, 8, tzinfo=UTC)  # Tue-Thu 09:00 Berlin (UTC+2)
                await write.signal(person, "contact_requested", came, org, came + timedelta(hours=1))
            # November: 10 taken (8 after half an hour, 2 on Friday 15:00 taken on Monday 09:00: 2 working
            # hours), 2 never taken, 3 withdrawn (taken after 100 hours: they would change the figures).
            for n in range(8):
                came = berlin(3 + n % 3, 10)
                await write.signal(
                    person,
                    "contact_requested",
                    came,
                    org,
                    came + timedelta(minutes=30),
                    came + timedelta(hours=2),
                )
            for _ in range(2):
                await write.signal(person, "contact_requested", berlin(13, 15), org, berlin(16, 9))
            for _ in range(2):
                await write.signal(person, "contact_requested", berlin(20, 10), org)
            for _ in range(3):
                came = berlin(24, 9)
                await write.signal(
                    person, "contact_requested", came, org, came + timedelta(hours=100), withdrawn=True
                )
        async with db.read() as tx:
            made = await build(tx, NOW, date(2026, 10, 1), date(2026, 11, 1), org=org)

    def line(key: str) -> list[str]:
        return [*made.line(key).months, made.line(key).total]

    assert line("items") == ["9", "12", "21"]  # the 3 withdrawn are not counted
    assert line("signal:contact_requested") == line("items")  # nor as signals: no difference gives them
    assert line("not_taken") == ["0", "x", "x"]
    # October has 9 (fewer than MIN_ITEMS): empty. The period is not a sum of months: all 19 together.
    assert line("take_median") == ["", "0:30", "1:00"]
    assert line("take_p90") == ["", "2:00", "2:00"]  # the weekend counts 2 working hours, not 66
    assert line("close_median") == ["", "", ""]  # only 8 closed in all
    assert MIN_ITEMS == 10
