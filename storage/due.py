"""Due rows: the database copy of every promise to do something later.

A row is `pending` until the sweep settles it: `done` when its message was written to the outbox in the
same transaction, `expired` when the sweep found it later than its grace window (the participant's own
history says so), `cancelled` when settings changed or the participant paused or stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.database import Row, Tx
from storage.times import from_db, to_db

DEFAULT_GRACE = timedelta(minutes=30)


@dataclass(frozen=True)
class DueItem:
    id: int
    participant_id: int | None  # a row belongs to a participant or (digests, held alerts) to a coach
    chat_id: int
    kind: str
    key: str
    due_at: datetime
    grace_until: datetime
    status: str
    payload: dict[str, Any]
    coach_id: int | None = None


_SELECT = (
    "SELECT due.*, COALESCE(participants.chat_id, coaches.chat_id) AS chat_id FROM due"
    " LEFT JOIN participants ON participants.id = due.participant_id"
    " LEFT JOIN coaches ON coaches.id = due.coach_id"
)


def _item(row: Row) -> DueItem:
    return DueItem(
        row["id"],
        row["participant_id"],
        row["chat_id"],
        row["kind"],
        row["key"],
        from_db(row["due_at"]),
        from_db(row["grace_until"]),
        row["status"],
        json.loads(row["payload"]),
        row["coach_id"],
    )


async def schedule(
    tx: Tx,
    *,
    participant_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    payload: dict[str, Any] | None = None,
) -> int | None:
    """Add a pending row unless one with the same key exists (planning twice is harmless).

    Returns the new id, or None when the key was already planned.
    """
    row = await tx.one(
        "INSERT INTO due (participant_id, kind, key, due_at, grace_until, status, payload, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (participant_id, key) DO NOTHING RETURNING id",
        (
            participant_id,
            kind,
            key,
            to_db(due_at),
            to_db(due_at + grace),
            json.dumps(payload or {}),
            to_db(now),
        ),
    )
    return None if row is None else int(row[0])


async def replace(
    tx: Tx,
    *,
    participant_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    payload: dict[str, Any] | None = None,
) -> int | None:
    """Plan a row, moving a pending one with the same key (a changed time). None when already settled."""
    await tx.execute(
        "DELETE FROM due WHERE participant_id = ? AND key = ? AND status = 'pending'", (participant_id, key)
    )
    return await schedule(
        tx,
        participant_id=participant_id,
        kind=kind,
        key=key,
        due_at=due_at,
        now=now,
        grace=grace,
        payload=payload,
    )


async def get(tx: Tx, due_id: int) -> DueItem | None:
    row = await tx.one(f"{_SELECT} WHERE due.id = ?", (due_id,))
    return None if row is None else _item(row)


async def pending_due(tx: Tx, now: datetime, limit: int) -> list[DueItem]:
    """Pending rows whose time has come, oldest first."""
    rows = await tx.all(
        f"{_SELECT} WHERE due.status = 'pending' AND due.due_at <= ?"
        " AND COALESCE(participants.chat_id, coaches.chat_id) IS NOT NULL"
        " ORDER BY due.due_at, due.id LIMIT ?",
        (to_db(now), limit),
    )
    return [_item(row) for row in rows]


async def for_participant(
    tx: Tx, participant_id: int, *, status: str = "pending", key_prefix: str = ""
) -> list[DueItem]:
    rows = await tx.all(
        f"{_SELECT} WHERE due.participant_id = ? AND due.status = ? AND substr(due.key, 1, ?) = ?"
        " ORDER BY due.due_at, due.id",
        (participant_id, status, len(key_prefix), key_prefix),
    )
    return [_item(row) for row in rows]


async def settle(tx: Tx, due_id: int, status: str, now: datetime) -> bool:
    """Move a pending row to done, expired or cancelled; False when it was no longer pending."""
    changed = await tx.execute(
        "UPDATE due SET status = ?, settled_at = ? WHERE id = ? AND status = 'pending'",
        (status, to_db(now), due_id),
    )
    return changed == 1


async def cancel(tx: Tx, participant_id: int, now: datetime, *, key_prefix: str = "") -> int:
    """Cancel pending rows of a participant, all or those whose key starts with a prefix."""
    return await tx.execute(
        "UPDATE due SET status = 'cancelled', settled_at = ? WHERE participant_id = ? AND status = 'pending'"
        " AND substr(key, 1, ?) = ?",
        (to_db(now), participant_id, len(key_prefix), key_prefix),
    )


async def drop_kinds(tx: Tx, participant_id: int, kinds: list[str]) -> int:
    """Delete a participant's pending rows of these kinds (a consent they need was withdrawn), so the
    same keys can be planned again if it is given again."""
    if not kinds:
        return 0
    marks = ",".join("?" * len(kinds))
    return await tx.execute(
        f"DELETE FROM due WHERE participant_id = ? AND status = 'pending' AND kind IN ({marks})",  # noqa: S608
        (participant_id, *kinds),
    )


async def drop_pending(
    tx: Tx, participant_id: int, *, key_prefix: str = "", after: datetime | None = None
) -> int:
    """Delete (not cancel) pending rows whose key starts with a prefix, optionally only those due after a
    moment, so the same keys can be planned again: a changed schedule, a pause, a "later"."""
    sql = "DELETE FROM due WHERE participant_id = ? AND status = 'pending' AND substr(key, 1, ?) = ?"
    params: list[object] = [participant_id, len(key_prefix), key_prefix]
    if after is not None:
        sql += " AND due_at > ?"
        params.append(to_db(after))
    return await tx.execute(sql, params)


async def schedule_many(
    tx: Tx, rows: list[tuple[int, str, str, datetime, datetime, str]], now: datetime
) -> None:
    """Bulk `schedule`: (participant_id, kind, key, due_at, grace_until, payload JSON); existing keys stay."""
    await tx.executemany(
        "INSERT INTO due (participant_id, kind, key, due_at, grace_until, status, payload, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (participant_id, key) DO NOTHING",
        [
            (pid, kind, key, to_db(at), to_db(grace), payload, to_db(now))
            for pid, kind, key, at, grace, payload in rows
        ],
    )


async def purge_settled(tx: Tx, before: datetime) -> int:
    """Settled rows are only bookkeeping; they go after a while (minimal data)."""
    return await tx.execute("DELETE FROM due WHERE status != 'pending' AND due_at < ?", (to_db(before),))


async def counts(tx: Tx) -> dict[tuple[str, str], int]:
    rows = await tx.all("SELECT kind, status, COUNT(*) FROM due GROUP BY kind, status")
    return {(row[0], row[1]): row[2] for row in rows}


async def schedule_for_coach(
    tx: Tx,
    *,
    coach_id: int,
    kind: str,
    key: str,
    due_at: datetime,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
    payload: dict[str, Any] | None = None,
) -> int | None:
    """`schedule` for a coach's row (a digest, alerts held over quiet hours); None when already planned."""
    changed = await tx.execute(
        "INSERT INTO due (coach_id, kind, key, due_at, grace_until, status, payload, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (coach_id, key) DO NOTHING",
        (coach_id, kind, key, to_db(due_at), to_db(due_at + grace), json.dumps(payload or {}), to_db(now)),
    )
    if changed == 0:
        return None
    return int(await tx.scalar("SELECT last_insert_rowid()"))


async def for_coach(
    tx: Tx, coach_id: int, *, status: str = "pending", kind: str | None = None
) -> list[DueItem]:
    rows = await tx.all(
        f"{_SELECT} WHERE due.coach_id = ? AND due.status = ? AND (? IS NULL OR due.kind = ?)"
        " ORDER BY due.due_at, due.id",
        (coach_id, status, kind, kind),
    )
    return [_item(row) for row in rows]


async def drop_for_coach(tx: Tx, coach_id: int, *, kind: str | None = None) -> int:
    """Delete a coach's pending rows (all, or of one kind) so they can be planned again."""
    return await tx.execute(
        "DELETE FROM due WHERE coach_id = ? AND status = 'pending' AND (? IS NULL OR kind = ?)",
        (coach_id, kind, kind),
    )
