"""Notifications to a coach's work e-mail: only that there is something new in the case view. Held over
the coach's quiet hours (no night alerts); at most one waits per coach. Sending: `mail.py`."""

from __future__ import annotations

from datetime import datetime

from dialogs.coaching.alert_times import clock, in_quiet_hours, next_local
from storage import inbox_mails
from storage.coaches import Coach
from storage.database import Tx


async def something_new(tx: Tx, coach: Coach, now: datetime, *, urgent: bool = False) -> bool:
    """Queue the "something new" mail for an active coach with an e-mail address; False when none."""
    if not coach.active or not coach.email:
        return False
    at = now if not in_quiet_hours(coach, now) else next_local(coach, clock(coach.quiet_end), now)
    return await inbox_mails.queue(tx, coach.id, at, now)
