"""A participant's quiet hours, as the appointment reminders need them: those set in /settings
(`storage/schedules.py`, 22:00-07:00 until the participant changes them)."""

from __future__ import annotations

from datetime import time

from dialogs.appointment_time import QuietHours
from storage import schedules
from storage.database import Tx
from storage.participants import Participant

DEFAULT_QUIET_HOURS = QuietHours(time(22, 0), time(7, 0))


async def quiet_hours_for(tx: Tx, participant: Participant) -> QuietHours:
    """The participant's quiet hours (no quiet hours at all when start and end are equal)."""
    schedule = await schedules.get(tx, participant.id)
    return QuietHours(schedule.quiet_start, schedule.quiet_end)
