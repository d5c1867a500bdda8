"""Which Telegram updates were handled, so a redelivered update changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import to_db

KEEP_FOR = timedelta(days=7)


async def claim(tx: Tx, update_id: int, now: datetime) -> bool:
    """Record the update in the current transaction; False when it was handled before."""
    changed = await tx.execute(
        "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (update_id, to_db(now)),
    )
    return changed == 1


async def purge_old(tx: Tx, now: datetime) -> int:
    return await tx.execute("DELETE FROM handled_updates WHERE handled_at < ?", (to_db(now - KEEP_FOR),))
