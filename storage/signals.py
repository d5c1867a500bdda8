"""Stored summary signals, waiting for the coaches' side to deliver them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db


@dataclass(frozen=True)
class Signal:
    id: int
    participant_id: int
    kind: str
    category: str | None
    created_at: datetime
    delivered_at: datetime | None
    organisation_id: int | None = None  # meant for this organisation only; None: for each one allowed

    def meant_for(self, organisation_id: int) -> bool:
        """Whether the signal is for this organisation at all (its consent is checked elsewhere)."""
        return self.organisation_id is None or self.organisation_id == organisation_id


def _signal(r: Row) -> Signal:
    return Signal(
        r["id"],
        r["participant_id"],
        r["kind"],
        r["category"],
        from_db(r["created_at"]),
        maybe_from_db(r["delivered_at"]),
        r["organisation_id"],
    )


async def insert(
    tx: Tx,
    participant_id: int,
    kind: str,
    category: str | None,
    now: datetime,
    organisation_id: int | None = None,
) -> int:
    """`organisation_id`: the signal is meant for that organisation only (None: for each one allowed)."""
    return await tx.insert(
        "INSERT INTO signals (participant_id, kind, category, created_at, organisation_id)"
        " VALUES (?, ?, ?, ?, ?)",
        (participant_id, kind, category, to_db(now), organisation_id),
    )


async def for_participant(tx: Tx, participant_id: int, limit: int = 50) -> list[Signal]:
    rows = await tx.all(
        "SELECT * FROM signals WHERE participant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (participant_id, limit),
    )
    return [_signal(r) for r in rows]


async def since(tx: Tx, participant_id: int, start: datetime) -> list[Signal]:
    """Signals created at or after `start`, newest first."""
    rows = await tx.all(
        "SELECT * FROM signals WHERE participant_id = ? AND created_at >= ?"
        " ORDER BY created_at DESC, id DESC",
        (participant_id, to_db(start)),
    )
    return [_signal(r) for r in rows]


async def latest(
    tx: Tx, participant_id: int, kind: str, organisation_id: int | None = None
) -> datetime | None:
    """The newest signal of the kind; with `organisation_id`, the newest meant for that organisation only."""
    value = await tx.scalar(
        "SELECT MAX(created_at) FROM signals WHERE participant_id = ? AND kind = ? AND organisation_id IS ?",
        (participant_id, kind, organisation_id),
    )
    return None if value is None else from_db(value)


async def get(tx: Tx, signal_id: int) -> Signal | None:
    row = await tx.one("SELECT * FROM signals WHERE id = ?", (signal_id,))
    return None if row is None else _signal(row)


async def mark_delivered(tx: Tx, signal_id: int, now: datetime) -> None:
    """The first delivery to a coach or a webhook was handed to the outbox."""
    await tx.execute(
        "UPDATE signals SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL", (to_db(now), signal_id)
    )


async def purge_before(tx: Tx, before: datetime) -> int:
    """Signals older than their retention period; their deliveries and acknowledgements go with them."""
    return await tx.execute("DELETE FROM signals WHERE created_at < ?", (to_db(before),))
