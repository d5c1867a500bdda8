"""The rules for typed days and times, and when reminders fall (around DST and quiet hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.appointments.day_words import example
from dialogs.appointments.when import (
    NO_SUCH_DATE,
    NO_SUCH_TIME,
    PAST_DATE,
    REMINDER_CODES,
    TOO_FAR,
    UNREADABLE_DATE,
    UNREADABLE_TIME,
    BadInput,
    PastThisYear,
    example_day,
    followup_moment,
    local_moment,
    parse_clock,
    parse_day,
    plan_reminders,
)
from dialogs.quiet_hours import QuietHours

BERLIN = ZoneInfo("Europe/Berlin")
QUIET = QuietHours(time(22, 0), time(7, 0))
TODAY = date(2026, 11, 23)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3.12.", date(2026, 12, 3)),
        ("03.12", date(2026, 12, 3)),
        ("03.12.2026", date(2026, 12, 3)),
        ("3.12.26", date(2026, 12, 3)),
        ("2026-12-03", date(2026, 12, 3)),
        (" 23.11. ", TODAY),
        ("3.1.", date(2027, 1, 3)),  # January typed in November is next year's
        ("29.02.2028", date(2028, 2, 29)),
        ("3/12", date(2026, 12, 3)),  # day first, as the example for English, Arabic and Farsi shows it
        ("3/12/2026", date(2026, 12, 3)),
        ("2026/12/3", date(2026, 12, 3)),
        ("٣/١٢", date(2026, 12, 3)),  # Arabic-Indic digits
        ("۳/۱۲/۲۰۲۶", date(2026, 12, 3)),  # Persian digits
    ],
)
def test_typed_days_in_german_and_iso_forms(typed: str, expected: date) -> None:
    assert parse_day(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("31.02.", NO_SUCH_DATE),
        ("31.02.2027", NO_SUCH_DATE),
        ("2026-13-01", NO_SUCH_DATE),
        ("29.02.", NO_SUCH_DATE),  # neither 2026 nor 2027 is a leap year
        ("22.11.2026", PAST_DATE),
        ("2025-12-03", PAST_DATE),
        ("3.12.2099", TOO_FAR),
        ("next year", UNREADABLE_DATE),
        ("", UNREADABLE_DATE),
        ("12-03", UNREADABLE_DATE),
        ("3,12", UNREADABLE_DATE),
    ],
)
def test_impossible_past_and_unreadable_days(typed: str, problem: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_day(typed, TODAY)
    assert raised.value.message == problem


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10:00", time(10)),
        ("9:30", time(9, 30)),
        ("14.45", time(14, 45)),
        ("9", time(9)),
        ("10 Uhr", time(10)),
    ],
)
def test_typed_times(typed: str, expected: time) -> None:
    assert parse_clock(typed) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("25:00", NO_SUCH_TIME), ("24:00", NO_SUCH_TIME), ("10:75", NO_SUCH_TIME), ("noon", UNREADABLE_TIME)],
)
def test_impossible_times(typed: str, problem: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_clock(typed)
    assert raised.value.message == problem


def test_a_day_a_little_in_the_past_offers_next_year() -> None:
    with pytest.raises(PastThisYear) as raised:
        parse_day("20.11.", TODAY)  # three days ago: a slip, or next year?
    assert raised.value.next_year == date(2027, 11, 20)
    assert raised.value.message == PAST_DATE  # the plain refusal, for a coach's proposal


def test_the_prompt_example_is_always_ahead_and_readable() -> None:
    for offset in range(0, 800, 7):
        today = TODAY + timedelta(days=offset)
        shown = example_day(today)
        assert shown > today
        for language in ("de", "en", "ar", "fa", "uk"):
            for with_year in (False, True):
                assert parse_day(example(language, shown, with_year), today) == shown


@given(st.text(max_size=40))
def test_any_typed_text_is_a_day_or_a_clear_problem(typed: str) -> None:
    try:
        found = parse_day(typed, TODAY)
    except BadInput as problem:
        assert problem.message in {NO_SUCH_DATE, PAST_DATE, TOO_FAR, UNREADABLE_DATE}
    else:
        assert TODAY <= found <= TODAY + timedelta(days=730)


def test_local_times_that_do_not_exist_or_exist_twice() -> None:
    assert local_moment(date(2026, 3, 29), time(2, 30), BERLIN) is None  # clocks jump 02:00 -> 03:00
    assert local_moment(date(2026, 10, 25), time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)  # the first one
    assert local_moment(date(2026, 10, 27), time(10, 0), BERLIN) == utc(2026, 10, 27, 9, 0)


def test_reminders_across_the_autumn_clock_change() -> None:
    """Entered on Friday 2026-10-23 (CEST) for Tuesday 2026-10-27 10:00 (CET)."""
    entered = datetime(2026, 10, 23, 12, 0, tzinfo=BERLIN)
    starts = datetime(2026, 10, 27, 10, 0, tzinfo=BERLIN)
    planned = plan_reminders(starts, ["eve", "2h"], BERLIN, QUIET, entered)
    assert [p.due_at for p in planned] == [utc(2026, 10, 26, 17, 0), utc(2026, 10, 27, 7, 0)]
    assert [p.due_at.astimezone(BERLIN).strftime("%a %H:%M %Z") for p in planned] == [
        "Mon 18:00 CET",
        "Tue 08:00 CET",
    ]
    assert not any(p.moved for p in planned)


def test_one_day_before_keeps_the_wall_clock_time_across_the_spring_change() -> None:
    starts = datetime(2026, 3, 30, 9, 0, tzinfo=BERLIN)  # Monday after the change, CEST
    (planned,) = plan_reminders(starts, ["1d"], BERLIN, QUIET, utc(2026, 3, 20))
    assert planned.due_at.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 9, 0)
    assert starts - planned.due_at == timedelta(hours=24)  # Sunday had 23 hours, so 09:00 is 24 h earlier


def test_a_reminder_in_quiet_hours_moves_to_before_they_begin() -> None:
    starts = datetime(2026, 12, 4, 7, 30, tzinfo=BERLIN)  # 2 hours before is 05:30, inside 22:00-07:00
    planned = plan_reminders(starts, ["eve", "2h"], BERLIN, QUIET, utc(2026, 11, 23))
    local = [(p.code, p.due_at.astimezone(BERLIN).strftime("%d %H:%M"), p.moved) for p in planned]
    assert local == [("eve", "03 18:00", False), ("2h", "03 21:30", True)]
    moved = planned[1]
    assert moved.due_at + moved.grace == datetime(2026, 12, 3, 22, 0, tzinfo=BERLIN)  # never into quiet hours


def test_reminders_already_past_or_landing_together_are_left_out() -> None:
    starts = datetime(2026, 12, 4, 19, 0, tzinfo=BERLIN)
    now = datetime(2026, 12, 3, 18, 30, tzinfo=BERLIN)  # the evening before has just passed
    planned = plan_reminders(starts, list(REMINDER_CODES), BERLIN, QUIET, now)
    assert [p.code for p in planned] == ["1d", "3h", "2h", "1h", "30m"]
    starts_early = datetime(2026, 12, 4, 7, 30, tzinfo=BERLIN)  # 3h, 2h and 1h before all fall in quiet hours
    codes = [
        p.code for p in plan_reminders(starts_early, ["3h", "2h", "1h"], BERLIN, QUIET, utc(2026, 11, 23))
    ]
    assert codes == ["3h"]  # one moved reminder, not three at 21:30


def test_followup_waits_for_the_end_of_quiet_hours() -> None:
    assert followup_moment(datetime(2026, 12, 4, 10, 0, tzinfo=BERLIN), BERLIN, QUIET) == datetime(
        2026, 12, 4, 12, 0, tzinfo=BERLIN
    )
    assert followup_moment(datetime(2026, 12, 4, 21, 0, tzinfo=BERLIN), BERLIN, QUIET) == datetime(
        2026, 12, 5, 7, 0, tzinfo=BERLIN
    )


@given(
    starts=st.datetimes(min_value=datetime(2026, 1, 2), max_value=datetime(2027, 12, 30)),
    ahead=st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=20)),
    codes=st.sets(st.sampled_from(REMINDER_CODES)),
    quiet_start=st.integers(min_value=18, max_value=23),
    quiet_end=st.integers(min_value=5, max_value=9),
    zone=st.sampled_from(["Europe/Berlin", "Europe/Istanbul", "America/New_York", "Asia/Kabul"]),
)
def test_planned_reminders_never_arrive_in_quiet_hours_or_after_the_start(
    starts: datetime, ahead: timedelta, codes: set[str], quiet_start: int, quiet_end: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    start = starts.replace(tzinfo=tz).astimezone(UTC)
    now = start - ahead
    quiet = QuietHours(time(quiet_start), time(quiet_end))
    planned = plan_reminders(start, sorted(codes), tz, quiet, now)
    assert [p.due_at for p in planned] == sorted({p.due_at for p in planned})
    for reminder in planned:
        assert now < reminder.due_at < start
        assert reminder.grace > timedelta(0)
        assert not quiet.contains(reminder.due_at, tz)
        window_end = reminder.due_at + reminder.grace - timedelta(microseconds=1)
        assert window_end <= start
        assert not quiet.contains(window_end, tz)
