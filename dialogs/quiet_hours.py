"""Quiet hours: the one rule for "nothing is sent from `start` until `end`, local time".

Over midnight when `start` is later than `end` (22:00-07:00), none at all when they are equal. Check-in
planning, the choice of check-in times, appointment reminders and coaches' urgent alerts all ask this rule.
A participant's come from /settings (`storage/schedules.py`, 22:00-07:00 until changed), a coach's from
/alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.local_time import local_to_utc
from storage import schedules
from storage.database import Tx
from storage.participants import Participant
from storage.schedules import Schedule


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def of(cls, schedule: Schedule) -> QuietHours:
        return cls(schedule.quiet_start, schedule.quiet_end)

    def covers(self, at: time) -> bool:
        """Whether a local time of day falls inside."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        return self.covers(moment.astimezone(zone).time())

    def began(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet period containing `moment` began."""
        local = moment.astimezone(zone)
        day = local.date()
        if self.start > self.end and local.time() < self.end:
            day -= timedelta(days=1)
        return local_to_utc(day, self.start, zone)

    def ends(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the quiet period containing `moment` ends."""
        local = moment.astimezone(zone)
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += timedelta(days=1)
        return local_to_utc(day, self.end, zone)

    def next_start(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """The first start of quiet hours after `moment`."""
        if self.start == self.end:
            return None
        day = moment.astimezone(zone).date()
        for offset in range(3):
            candidate = local_to_utc(day + timedelta(days=offset), self.start, zone)
            if candidate > moment:
                return candidate
        return None


DEFAULT_QUIET_HOURS = QuietHours(time(22, 0), time(7, 0))


async def quiet_hours_for(tx: Tx, participant: Participant) -> QuietHours:
    """The participant's quiet hours, as set in /settings."""
    return QuietHours.of(await schedules.get(tx, participant.id))
