"""Wrong invitation or coach codes per account, kept one hour under a keyed hash so nobody is identifiable."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from storage import meta
from storage.database import Tx
from storage.times import from_db, to_db

WINDOW = timedelta(hours=1)


async def _key(tx: Tx, chat_id: int) -> str:
    secret = await meta.installation_secret(tx)
    return hmac.new(secret, str(chat_id).encode(), hashlib.sha256).hexdigest()


async def locked_until(tx: Tx, chat_id: int, now: datetime, limit: int) -> datetime | None:
    """While `limit` wrong codes lie within the last hour: the moment the oldest of the last `limit`
    ages out, when codes are accepted again. None when not locked."""
    rows = await tx.all(
        "SELECT at FROM start_attempts WHERE account_key = ? AND at > ? ORDER BY at DESC LIMIT ?",
        (await _key(tx, chat_id), to_db(now - WINDOW), limit),
    )
    if len(rows) < limit:
        return None
    return from_db(rows[-1][0]) + WINDOW


async def record_failure(tx: Tx, chat_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO start_attempts (account_key, at) VALUES (?, ?)", (await _key(tx, chat_id), to_db(now))
    )


async def purge_old(tx: Tx, now: datetime) -> int:
    return await tx.execute("DELETE FROM start_attempts WHERE at <= ?", (to_db(now - WINDOW),))
