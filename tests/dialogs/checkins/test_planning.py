"""Planning due rows from a schedule: local times, daylight saving, quiet hours, pauses, idempotence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.checkins import planning
from dialogs.checkins.planning import parse_time, plan
from dialogs.local_time import local_to_utc
from dialogs.quiet_hours import QuietHours
from storage import due, participants, schedules
from storage.database import Database
from storage.schedules import Schedule
from tests.harness import record_consent

BERLIN = ZoneInfo("Europe/Berlin")
NO_QUIET = {"quiet_start": time(0), "quiet_end": time(0)}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_typed_times_are_read_and_nonsense_is_refused() -> None:
    assert parse_time("08:30") == time(8, 30)
    assert parse_time(" 7:05 ") == time(7, 5)
    assert parse_time("19.45") == time(19, 45)
    assert parse_time("8:30 pm") == time(20, 30)
    assert parse_time("12:00 AM") == time(0, 0)
    for bad in ("25:00", "7", "ab:cd", "24:00", "08:60", "8:3", "", "13:00 pm", "08:30:00", "0800"):
        assert parse_time(bad) is None, bad


def test_spring_forward_moves_a_missing_time_forward() -> None:
    # 2026-03-29: Berlin clocks jump from 02:00 to 03:00; 02:30 does not exist.
    moment = local_to_utc(date(2026, 3, 29), time(2, 30), BERLIN)
    assert moment == utc("2026-03-29 01:30")
    assert moment.astimezone(BERLIN).time() == time(3, 30)
    # Ordinary times around the change keep their wall-clock time.
    assert local_to_utc(date(2026, 3, 28), time(8, 0), BERLIN) == utc("2026-03-28 07:00")
    assert local_to_utc(date(2026, 3, 29), time(8, 0), BERLIN) == utc("2026-03-29 06:00")


def test_fall_back_takes_the_first_of_a_repeated_time() -> None:
    # 2026-10-25: Berlin clocks go from 03:00 back to 02:00; 02:30 happens twice.
    moment = local_to_utc(date(2026, 10, 25), time(2, 30), BERLIN)
    assert moment == utc("2026-10-25 00:30")
    assert moment.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    assert local_to_utc(date(2026, 10, 25), time(20, 0), BERLIN) == utc("2026-10-25 19:00")
    assert local_to_utc(date(2026, 10, 24), time(20, 0), BERLIN) == utc("2026-10-24 18:00")


def test_plan_across_spring_forward() -> None:
    schedule = Schedule(1, morning=time(2, 30), evening=time(20, 0), **NO_QUIET)
    planned = plan(schedule, BERLIN, utc("2026-03-28 12:00"), days=3)
    assert [(p.key, p.due_at) for p in planned] == [
        ("checkin:evening:2026-03-28", utc("2026-03-28 19:00")),
        ("checkin:morning:2026-03-29", utc("2026-03-29 01:30")),  # 03:30 summer time
        ("checkin:evening:2026-03-29", utc("2026-03-29 18:00")),
        ("checkin:morning:2026-03-30", utc("2026-03-30 00:30")),
        ("checkin:evening:2026-03-30", utc("2026-03-30 18:00")),
    ]


def test_plan_across_fall_back() -> None:
    schedule = Schedule(1, morning=time(2, 30), evening=time(8, 0), **NO_QUIET)
    planned = plan(schedule, BERLIN, utc("2026-10-24 22:00"), days=2)
    assert [(p.key, p.due_at) for p in planned] == [
        ("checkin:morning:2026-10-25", utc("2026-10-25 00:30")),  # the first 02:30, once
        ("checkin:evening:2026-10-25", utc("2026-10-25 07:00")),  # 08:00 winter time
        ("checkin:morning:2026-10-26", utc("2026-10-26 01:30")),
        ("checkin:evening:2026-10-26", utc("2026-10-26 07:00")),
    ]


def test_quiet_hours_across_midnight_and_within_a_day() -> None:
    night = Schedule(1)
    assert QuietHours.of(night).contains(utc("2026-11-23 21:30"), BERLIN)  # 22:30 Berlin
    assert QuietHours.of(night).contains(utc("2026-11-23 05:59"), BERLIN)  # 06:59
    assert not QuietHours.of(night).contains(utc("2026-11-23 06:00"), BERLIN)  # 07:00
    assert not QuietHours.of(night).contains(utc("2026-11-23 20:59"), BERLIN)  # 21:59
    afternoon = Schedule(1, quiet_start=time(13), quiet_end=time(15))
    assert QuietHours.of(afternoon).contains(utc("2026-11-23 12:30"), BERLIN)
    assert not QuietHours.of(afternoon).contains(utc("2026-11-23 14:00"), BERLIN)
    assert not QuietHours.of(Schedule(1, **NO_QUIET)).contains(utc("2026-11-23 03:00"), BERLIN)


def test_plan_leaves_out_quiet_hours_past_times_and_paused_days() -> None:
    schedule = Schedule(1, morning=time(6, 30), evening=time(21, 0))
    planned = plan(schedule, BERLIN, utc("2026-11-23 09:00"), days=2)
    assert [p.key for p in planned] == ["checkin:evening:2026-11-23", "checkin:evening:2026-11-24"]
    paused = Schedule(1, morning=time(8), paused_until=utc("2026-11-25 23:00"))  # until the 26th, 00:00
    keys = [p.key for p in plan(paused, BERLIN, utc("2026-11-23 09:00"), days=4)]
    assert keys == ["checkin:morning:2026-11-26"]


def test_lookback_on_the_chosen_weekday_at_ten() -> None:
    schedule = Schedule(1, lookback_day=3)
    planned = plan(schedule, BERLIN, utc("2026-11-23 09:00"), days=7)
    assert [(p.kind, p.key, p.due_at) for p in planned] == [
        ("lookback", "lookback:2026-11-25", utc("2026-11-25 09:00"))
    ]
    late_quiet = Schedule(1, lookback_day=3, quiet_start=time(22), quiet_end=time(11))
    assert plan(late_quiet, BERLIN, utc("2026-11-23 09:00"), days=7)[0].due_at == utc("2026-11-25 10:00")


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kabul", "Australia/Lord_Howe", "UTC"]),
    morning=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    evening=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    quiet=st.tuples(st.integers(0, 23), st.integers(0, 23)),
    start=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
    weekdays=st.frozensets(st.integers(1, 7), min_size=1),
)
def test_plans_are_future_outside_quiet_hours_unique_and_on_chosen_days(
    zone: str,
    morning: time,
    evening: time,
    quiet: tuple[int, int],
    start: datetime,
    weekdays: frozenset[int],
) -> None:
    tz = ZoneInfo(zone)
    schedule = Schedule(
        1,
        morning=morning,
        evening=evening,
        weekdays=weekdays,
        quiet_start=time(quiet[0]),
        quiet_end=time(quiet[1]),
    )
    planned = plan(schedule, tz, start, days=3)
    assert len({p.key for p in planned}) == len(planned)
    for p in planned:
        assert p.due_at > start
        assert not QuietHours.of(schedule).contains(p.due_at, tz)
        day = date.fromisoformat(p.payload["day"])
        assert day.isoweekday() in weekdays
        local = p.due_at.astimezone(tz)
        wanted = schedule.slot_time(p.payload["slot"])
        assert wanted is not None
        exists = datetime.combine(day, wanted, tzinfo=tz).astimezone(UTC).astimezone(tz).time() == wanted
        assert local.date() == day
        if exists:
            assert local.time() == wanted  # the wall-clock time asked for
        else:
            assert wanted < local.time() <= (datetime.combine(day, wanted) + timedelta(hours=1)).time()


async def test_planning_twice_changes_nothing_and_replanning_moves_rows(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "p.db")
    now = utc("2026-11-23 09:00")
    grace = timedelta(minutes=30)
    try:
        async with db.transaction() as tx:
            person = await participants.create(tx, chat_id=9, locale="en", timezone="Europe/Berlin", now=now)
            await record_consent(
                tx, person.id, "checkins", now
            )  # check-ins are planned only with their consent
            await schedules.update(tx, person.id, now, morning=time(8), evening=time(20))
            first = await planning.plan_checkins(tx, person.id, "Europe/Berlin", now, grace)
            assert await planning.plan_batch(tx, 0, 100, now, grace) == person.id
            assert await planning.plan_batch(tx, 0, 100, now, grace) == person.id
            rows = await due.for_participant(tx, person.id)
            assert first == 5 and len(rows) == 5  # today's evening, then two whole days
            await schedules.update(tx, person.id, now, morning=time(9))
            await planning.plan_checkins(tx, person.id, "Europe/Berlin", now, grace)
            mornings = await due.for_participant(tx, person.id, key_prefix="checkin:morning:")
            assert [m.due_at.astimezone(BERLIN).time() for m in mornings] == [time(9), time(9)]
            assert all(m.grace_until - m.due_at == grace for m in mornings)
    finally:
        await db.close()
