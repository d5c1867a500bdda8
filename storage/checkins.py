"""Check-ins: a row per prompt sent (open) that becomes `answered` with the first answer.

There is no missed, skipped or late state: an open row nobody answered is deleted once its prompt has
expired, and a skipped day leaves nothing behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db


@dataclass(frozen=True)
class Checkin:
    id: int
    participant_id: int
    slot: str
    day: date
    status: str
    open_until: datetime
    answers: dict[str, Any]
    answered_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.status == "open" and now <= self.open_until


def _checkin(row: Row) -> Checkin:
    return Checkin(
        row["id"],
        row["participant_id"],
        row["slot"],
        date.fromisoformat(row["day"]),
        row["status"],
        from_db(row["open_until"]),
        json.loads(row["answers"]),
        maybe_from_db(row["answered_at"]),
    )


async def get(tx: Tx, checkin_id: int) -> Checkin | None:
    row = await tx.one("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
    return None if row is None else _checkin(row)


async def find(tx: Tx, participant_id: int, slot: str, day: date) -> Checkin | None:
    row = await tx.one(
        "SELECT * FROM checkins WHERE participant_id = ? AND slot = ? AND day = ?",
        (participant_id, slot, day.isoformat()),
    )
    return None if row is None else _checkin(row)


async def open_prompt(tx: Tx, participant_id: int, slot: str, day: date, open_until: datetime) -> Checkin:
    """The row for a prompt being sent: created open, or kept open longer (a later or repeated prompt)."""
    await tx.execute(
        "INSERT INTO checkins (participant_id, slot, day, status, open_until) VALUES (?, ?, ?, 'open', ?)"
        " ON CONFLICT (participant_id, slot, day) DO UPDATE SET open_until = excluded.open_until"
        " WHERE checkins.status = 'open'",
        (participant_id, slot, day.isoformat(), to_db(open_until)),
    )
    found = await find(tx, participant_id, slot, day)
    assert found is not None
    return found


async def extend(tx: Tx, checkin_id: int, open_until: datetime) -> None:
    await tx.execute(
        "UPDATE checkins SET open_until = ? WHERE id = ? AND status = 'open'", (to_db(open_until), checkin_id)
    )


async def save_answers(
    tx: Tx, participant_id: int, slot: str, day: date, answers: dict[str, Any], now: datetime
) -> None:
    """Store the answers given so far (every answer is stored as soon as it is given)."""
    await tx.execute(
        "INSERT INTO checkins (participant_id, slot, day, status, open_until, answers, answered_at)"
        " VALUES (?, ?, ?, 'answered', ?, ?, ?) ON CONFLICT (participant_id, slot, day) DO UPDATE SET"
        " status = 'answered', answers = excluded.answers, answered_at = excluded.answered_at",
        (participant_id, slot, day.isoformat(), to_db(now), json.dumps(answers), to_db(now)),
    )


async def forget_unanswered(tx: Tx, participant_id: int, day: date) -> int:
    return await tx.execute(
        "DELETE FROM checkins WHERE participant_id = ? AND day = ? AND status = 'open'",
        (participant_id, day.isoformat()),
    )


async def answered_between(tx: Tx, participant_id: int, first: date, last: date) -> list[Checkin]:
    rows = await tx.all(
        "SELECT * FROM checkins WHERE participant_id = ? AND status = 'answered' AND day BETWEEN ? AND ?"
        " ORDER BY day, slot",
        (participant_id, first.isoformat(), last.isoformat()),
    )
    return [_checkin(row) for row in rows]


async def purge_expired(tx: Tx, now: datetime) -> int:
    """Open rows whose prompt expired unanswered: deleted, so silence leaves nothing behind."""
    return await tx.execute("DELETE FROM checkins WHERE status = 'open' AND open_until < ?", (to_db(now),))


async def purge_before(tx: Tx, day: date) -> int:
    """Answers older than the retention period."""
    return await tx.execute("DELETE FROM checkins WHERE day < ?", (day.isoformat(),))


async def last_answered_at(tx: Tx, participant_id: int) -> datetime | None:
    """When the participant last answered a check-in (a sign of life for their own silence rule)."""
    value = await tx.scalar(
        "SELECT MAX(answered_at) FROM checkins WHERE participant_id = ? AND status = 'answered'",
        (participant_id,),
    )
    return None if value is None else from_db(value)
