"""Wrong invitation codes per account, kept one hour under a keyed hash so nobody is identifiable."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from storage import meta
from storage.database import Tx
from storage.times import to_db

WINDOW = timedelta(hours=1)


async def _key(tx: Tx, chat_id: int) -> str:
    secret = await meta.installation_secret(tx)
    return hmac.new(secret, str(chat_id).encode(), hashlib.sha256).hexdigest()


async def recent_failures(tx: Tx, chat_id: int, now: datetime) -> int:
    count = await tx.scalar(
        "SELECT COUNT(*) FROM start_attempts WHERE account_key = ? AND at > ?",
        (await _key(tx, chat_id), to_db(now - WINDOW)),
    )
    return int(count or 0)


async def record_failure(tx: Tx, chat_id: int, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO start_attempts (account_key, at) VALUES (?, ?)", (await _key(tx, chat_id), to_db(now))
    )


async def purge_old(tx: Tx, now: datetime) -> int:
    return await tx.execute("DELETE FROM start_attempts WHERE at <= ?", (to_db(now - WINDOW),))
