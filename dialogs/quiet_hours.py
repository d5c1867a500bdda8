"""A participant's quiet hours, as the appointment reminders need them.

Stand-in until the daily-structure work (issue 3) stores quiet hours per participant: then this function
reads them from its table instead of returning the default. It is the only place that needs to change.
"""

from __future__ import annotations

from datetime import time

from dialogs.appointment_time import QuietHours
from storage.database import Tx
from storage.participants import Participant

DEFAULT_QUIET_HOURS = QuietHours(time(22, 0), time(7, 0))


async def quiet_hours_for(tx: Tx, participant: Participant) -> QuietHours:
    """The participant's quiet hours (for now always the default 22:00-07:00)."""
    return DEFAULT_QUIET_HOURS
