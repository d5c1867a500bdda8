"""Installation-wide values kept in the database (for example the secret for keyed hashes)."""

from __future__ import annotations

import secrets

from storage.database import Tx


async def get(tx: Tx, key: str) -> str | None:
    value = await tx.scalar("SELECT value FROM meta WHERE key = ?", (key,))
    return None if value is None else str(value)


async def put(tx: Tx, key: str, value: str) -> None:
    await tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def installation_secret(tx: Tx) -> bytes:
    """A random secret made once per database, for keyed hashes of account ids."""
    value = await get(tx, "installation_secret")
    if value is None:
        value = secrets.token_hex(32)
        await put(tx, "installation_secret", value)
    return bytes.fromhex(value)
