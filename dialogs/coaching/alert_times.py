"""When a coach hears of signals: their quiet hours, the planned times of their daily summary, and the end
of the quiet hours, when urgent alerts held back go out.

Both are due rows of the coach: `DIGEST` at the coach's digest time, planned a week ahead so a few days of
downtime lose none, and `HELD` at the end of the quiet hours. What they say when they come: `digests.py`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.local_time import local_day, local_to_utc
from dialogs.quiet_hours import QuietHours
from storage import coaches, due
from storage.coaches import Coach
from storage.database import Tx
from storage.times import to_db

DIGEST, HELD = "digest", "held_alerts"
DIGEST_HORIZON_DAYS = 7  # digests planned ahead, so a few days of downtime lose none
DIGEST_GRACE = timedelta(hours=4)
HELD_GRACE = timedelta(hours=12)


def clock(text: str) -> time:
    """A coach's setting 'HH:MM' as a time of day."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(coach: Coach, now: datetime) -> bool:
    return QuietHours(clock(coach.quiet_start), clock(coach.quiet_end)).contains(
        now, ZoneInfo(coach.timezone)
    )


def next_local(coach: Coach, at: time, now: datetime) -> datetime:
    """The next moment after `now` at which the coach's clock shows `at` (DST-safe)."""
    return _moments(coach, at, now, days=3)[0][1]


def _moments(coach: Coach, at: time, now: datetime, *, days: int) -> list[tuple[date, datetime]]:
    """(local day, moment) for each of the coach's `days` local days from today on which their clock
    shows `at` after `now`."""
    zone = ZoneInfo(coach.timezone)
    today = local_day(now, zone)
    days_ahead = [today + timedelta(days=offset) for offset in range(days)]
    moments = [(day, local_to_utc(day, at, zone)) for day in days_ahead]
    return [(day, moment) for day, moment in moments if moment > now]


async def _schedule(
    tx: Tx, coach: Coach, kind: str, key: str, at: datetime, grace: timedelta, now: datetime
) -> None:
    await due.schedule_for_coach(tx, coach_id=coach.id, kind=kind, key=key, due_at=at, now=now, grace=grace)


async def hold_until_quiet_ends(tx: Tx, coach: Coach, now: datetime) -> None:
    """Plan the coach's held urgent alerts for the end of their quiet hours (once per end)."""
    end = next_local(coach, clock(coach.quiet_end), now)
    await _schedule(tx, coach, HELD, f"{HELD}:{to_db(end)}", end, HELD_GRACE, now)


async def plan_digests(tx: Tx, coach: Coach, now: datetime) -> None:
    """Keep the coach's next digests planned (existing rows stay; a changed time: `replan_digests`)."""
    for day, moment in _moments(coach, clock(coach.digest_at), now, days=DIGEST_HORIZON_DAYS + 1):
        await _schedule(tx, coach, DIGEST, f"{DIGEST}:{day.isoformat()}", moment, DIGEST_GRACE, now)


async def plan_all_digests(tx: Tx, now: datetime) -> None:
    for coach in await coaches.all_coaches(tx):
        if coach.active:
            await plan_digests(tx, coach, now)


async def replan_digests(tx: Tx, coach: Coach, now: datetime) -> None:
    await due.drop_for_coach(tx, coach.id, kind=DIGEST)
    await plan_digests(tx, coach, now)
