"""Failed webhook posts kept for a resend: dead outbox rows of kind 'webhook' still holding their body
(a withdrawal deletes them: `outbox.withdraw_about`)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Tx
from storage.times import to_db


async def failed(tx: Tx, organisation_id: int | None = None) -> int:
    """How many failed posts (to one organisation, or to any) can be sent again."""
    value = await tx.scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'webhook' AND status = 'dead' AND text IS NOT NULL"
        " AND (? IS NULL OR target = ?)",
        (organisation_id, organisation_id),
    )
    return int(value or 0)


async def resend(tx: Tx, now: datetime, organisation_id: int | None = None) -> int:
    """Queue the failed posts again, as new (attempts from zero); returns how many."""
    return await tx.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, not_before = ?, last_error = NULL"
        " WHERE kind = 'webhook' AND status = 'dead' AND text IS NOT NULL AND (? IS NULL OR target = ?)",
        (to_db(now), organisation_id, organisation_id),
    )
