"""Appointment times: reading typed days and times, and when reminders and the follow-up are due.

Pure functions of their arguments (no database, no clock of their own), so the rules are easy to test
around daylight-saving changes. Local times are always built in the participant's zone and stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.appointments.day_words import day_from_words, digits_as_latin
from dialogs.core.i18n import N_
from dialogs.local_time import local_to_utc
from dialogs.quiet_hours import QuietHours
from storage.due import DEFAULT_GRACE

# Reminder codes, in the order they are offered. "eve" and "1d" are wall-clock rules (the evening before at
# 18:00, the same time on the day before); the others are plain durations before the start.
REMINDER_CODES = ("eve", "1d", "3h", "2h", "1h", "30m")
DEFAULT_REMINDERS = ("eve", "2h")
EVENING_AT = time(18, 0)
_BEFORE = {
    "3h": timedelta(hours=3),
    "2h": timedelta(hours=2),
    "1h": timedelta(hours=1),
    "30m": timedelta(minutes=30),
}

FOLLOWUP_AFTER = timedelta(hours=2)  # "how did it go?" comes this long after the start
MAX_AHEAD_DAYS = 730  # a typed date further away than two years is almost certainly a typing mistake
PAST_YEAR_WINDOW = timedelta(
    days=60
)  # "20.11." typed on 23.11. is a past date, "3.1." in November is next year


class BadInput(ValueError):
    """Typed input that cannot be used; `message` is a msgid that says why, kindly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PastThisYear(BadInput):
    """A day typed without a year that has passed this year: `next_year` is the same day next year, which
    the participant may have meant (they are asked; `message` is the plain refusal for those who cannot)."""

    def __init__(self, next_year: date) -> None:
        super().__init__(PAST_DATE)
        self.next_year = next_year


UNREADABLE_DATE = N_(
    "I could not read that date. Please write it like in the example, or a word like “tomorrow”."
)
NO_SUCH_DATE = N_("That date does not exist. Please check the day and the month.")
PAST_DATE = N_("That day is already over. Please choose a day from today on.")
TOO_FAR = N_("That is more than two years away. Please check the year.")
UNREADABLE_TIME = N_("I could not read that time. Please write it like 9:30 or 14:45, or tap a time.")
NO_SUCH_TIME = N_("That time does not exist. Please write a time between 00:00 and 23:59.")

_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\.?")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4})?)?")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr|h)?", re.IGNORECASE)


def parse_day(text: str, today: date, language: str | None = None) -> date:
    """A typed day from today on; raises BadInput (PastThisYear for a day without year that has passed).

    Read are numbers, day first ("3.12.", "03.12.2026", "3.12.26", "3/12"), year first ("2026-12-03",
    "2026/12/3"), in any digits, and words ("morgen", "Freitag", "nächsten Montag", in `language` first).
    """
    text = digits_as_latin(text.strip())
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        found = _valid(year, month, day)
    elif match := _DAY_FIRST.fullmatch(text):
        day, month = int(match[1]), int(match[2])
        if match[3] is not None:
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            found = _valid(year, month, day)
        else:
            found = _without_year(day, month, today)
    elif (said := day_from_words(text, today, language)) is not None:
        found = said
    else:
        raise BadInput(UNREADABLE_DATE)
    if found < today:
        raise BadInput(PAST_DATE)
    if found > today + timedelta(days=MAX_AHEAD_DAYS):
        raise BadInput(TOO_FAR)
    return found


def _valid(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise BadInput(NO_SUCH_DATE) from None


def _without_year(day: int, month: int, today: date) -> date:
    """This year's date, or next year's when this year's lies well in the past (January typed in December).

    A day only a little in the past ("20.11." on 23.11.) may be a slip or mean next year: PastThisYear.
    """
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
        if today - candidate <= PAST_YEAR_WINDOW:
            try:
                next_year = candidate.replace(year=year + 1)
            except ValueError:  # 29.02. of a leap year: next year has none
                raise BadInput(PAST_DATE) from None
            raise PastThisYear(next_year)
    # 31.02. never exists; 29.02. only in leap years.
    raise BadInput(NO_SUCH_DATE)


def example_day(today: date) -> date:
    """The day the prompt's example names: always ahead, in about a week and a half."""
    return today + timedelta(days=10)


def parse_clock(text: str) -> time:
    """A typed time of day ("9:30", "14.45", "9", "10 Uhr"); raises BadInput."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise BadInput(UNREADABLE_TIME)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise BadInput(NO_SUCH_TIME)
    return time(hour, minute)


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC moment of a wall-clock time, or None when it does not exist (the clocks spring forward).

    A time that exists twice (the clocks go back) is taken the first time it occurs.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if (back.date(), back.time()) != (day, at):
        return None
    return local.astimezone(UTC)


def reminder_moment(code: str, starts_at: datetime, zone: ZoneInfo) -> datetime:
    """When a reminder would be due before quiet hours are taken into account."""
    local = starts_at.astimezone(zone)
    if code == "eve":
        return local_to_utc(local.date() - timedelta(days=1), EVENING_AT, zone)
    if code == "1d":
        return local_to_utc(local.date() - timedelta(days=1), local.time(), zone)
    return starts_at - _BEFORE[code]


@dataclass(frozen=True)
class PlannedReminder:
    code: str
    due_at: datetime
    grace: timedelta  # how long after `due_at` it may still be sent
    moved: bool  # it fell into quiet hours and was moved before them


def plan_reminders(
    starts_at: datetime,
    codes: list[str] | tuple[str, ...],
    zone: ZoneInfo,
    quiet: QuietHours,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> list[PlannedReminder]:
    """The reminders still to come for an appointment, in time order.

    A reminder that would fall into quiet hours moves to the last time before they begin that still leaves
    its whole delivery window (the grace period) outside them: with quiet hours from 22:00 that is 21:30.
    No window reaches into quiet hours or past the start. Reminders already past, or two landing on the
    same moment, are left out.
    """
    planned: dict[datetime, PlannedReminder] = {}
    for code in REMINDER_CODES:
        if code not in codes:
            continue
        due_at = reminder_moment(code, starts_at, zone)
        moved = quiet.contains(due_at, zone)
        if moved:
            due_at = quiet.began(due_at, zone) - grace
        if due_at <= now or due_at >= starts_at or due_at in planned:
            continue
        window_end = min(due_at + grace, starts_at)
        quiet_from = quiet.next_start(due_at, zone)
        if quiet_from is not None:
            window_end = min(window_end, quiet_from)
        planned[due_at] = PlannedReminder(code, due_at, window_end - due_at, moved)
    return [planned[moment] for moment in sorted(planned)]


def followup_moment(starts_at: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime:
    """When to ask "how did it go?": two hours after the start, or when quiet hours end."""
    due_at = starts_at + FOLLOWUP_AFTER
    if quiet.contains(due_at, zone):
        due_at = quiet.ends(due_at, zone)
    return due_at


def alarm_offsets(starts_at: datetime, codes: list[str] | tuple[str, ...], zone: ZoneInfo) -> list[timedelta]:
    """How long before the start each chosen reminder lies, for the calendar file's alarms."""
    offsets = {starts_at - reminder_moment(code, starts_at, zone) for code in REMINDER_CODES if code in codes}
    return sorted(offset for offset in offsets if offset > timedelta(0))
