"""Everything stored about one participant, found by schema introspection so new tables are never missed.

A table holds personal data when it has a `participant_id` column (or a `chat_id` column, for the rows that
exist before a participant does). Export reads them all; erasure deletes them all and then checks.

The audit log names people only by pseudonym: export includes the entries about the participant (found
by a `pseudonym` column, under the internal pseudonym or an organisation's), erasure leaves them (it
cannot delete them, and after erasure the pseudonym points to nobody).
"""

from __future__ import annotations

import base64
from typing import Any

from storage import checkpoints
from storage.database import Tx

# Rows that are about a participant but are not theirs to take away: none yet. Invitations keep only
# the fact that a code was used (their participant link is cleared by the foreign key).
NOT_EXPORTED = frozenset({"invitations"})


async def _tables_with(tx: Tx, column: str) -> list[str]:
    tables = await tx.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    found = []
    for table in tables:
        name = table["name"]
        columns = await tx.all(f"PRAGMA table_info({name})")
        if any(col["name"] == column for col in columns):
            found.append(name)
    return sorted(found)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


async def export(
    tx: Tx, participant_id: int, chat_id: int, pseudonyms: tuple[str, ...] = ()
) -> dict[str, list[dict[str, Any]]]:
    """Every row tied to the participant, table by table (with their pseudonyms, the internal one and
    each organisation's: the audit entries too)."""
    result: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    keys: list[tuple[str, tuple[object, ...]]] = [
        ("participant_id", (participant_id,)),
        ("chat_id", (chat_id,)),
    ]
    if pseudonyms:
        keys.append(("pseudonym", pseudonyms))
    for column, values in keys:
        marks = ",".join("?" * len(values))
        for table in await _tables_with(tx, column):
            if table in NOT_EXPORTED or table in seen:
                continue
            seen.add(table)
            rows = await tx.all(
                f"SELECT * FROM {table} WHERE {column} IN ({marks}) ORDER BY rowid",  # noqa: S608
                values,
            )
            result[table] = [{k: _plain(row[k]) for k in row.keys()} for row in rows]  # noqa: SIM118
    return result


async def erase(tx: Tx, participant_id: int | None, chat_id: int) -> None:
    """Delete every row tied to the participant or their chat, then verify none is left; a checkpoint is
    owed until the deleted rows have left the write-ahead log too (see storage/checkpoints.py)."""
    if participant_id is not None:
        await tx.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
    for table in await _tables_with(tx, "chat_id"):
        await tx.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))  # noqa: S608
    left = await remaining(tx, participant_id, chat_id)
    if left:
        raise RuntimeError(f"erasure left rows in {sorted(left)}")
    await checkpoints.owe(tx)


async def remaining(tx: Tx, participant_id: int | None, chat_id: int) -> dict[str, int]:
    left: dict[str, int] = {}
    checks = [("chat_id", chat_id)] + (
        [("participant_id", participant_id)] if participant_id is not None else []
    )
    for column, key in checks:
        for table in await _tables_with(tx, column):
            count = await tx.scalar(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (key,))  # noqa: S608
            if count:
                left[table] = left.get(table, 0) + int(count)
    return left
