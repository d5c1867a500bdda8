"""A checkpoint owed after erasure: promised with the erasure, kept when no reader holds the log any more.

Deleted rows leave the disk only when the write-ahead log is checkpointed into the main file (where
secure_delete has zeroed them) and truncated. Another process with an open read transaction (a backup,
`companion status`, a shell) can hold the log for a while; then the promise stays in `meta`, in the same
transaction as the erasure, and the scheduler's sweep tries again, also after a restart, until it is kept.
"""

from __future__ import annotations

from storage import meta
from storage.database import Database, Tx

KEY = "checkpoint_owed"


async def owe(tx: Tx) -> None:
    """Promise a checkpoint (inside the transaction that deleted something)."""
    count = await meta.get(tx, KEY)
    await meta.put(tx, KEY, str(int(count or 0) + 1))  # a new value, so a settle under way keeps it


async def settle(db: Database) -> bool:
    """Checkpoint when one is owed; True when none is owed any more, False when a reader still holds it."""
    async with db.read() as tx:
        owed = await meta.get(tx, KEY)
    if owed is None:
        return True
    if not await db.checkpoint():
        return False
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM meta WHERE key = ? AND value = ?", (KEY, owed))
    return True
