"""The team inbox's periodic work, run after each sweep of due rows: escalate what waited too long (also
for teams whose coaches have no chat) and send the waiting e-mail notifications (when SMTP is set)."""

from __future__ import annotations

import logging
from datetime import datetime

from dialogs.coaching.inbox.escalation import escalate_due
from dialogs.coaching.inbox.mail import SmtpSettings, send_ready
from storage.database import Database

log = logging.getLogger(__name__)


async def inbox_work(db: Database, smtp: SmtpSettings | None, now: datetime) -> int:
    """Escalate and send; returns how many items were escalated and mails sent."""
    async with db.transaction() as tx:
        escalated = len(await escalate_due(tx, now))
    if escalated:
        log.info("inbox: %d items escalated to their teams", escalated)
    sent = await send_ready(db, smtp, now) if smtp is not None else 0
    return escalated + sent
