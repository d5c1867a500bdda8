"""Where each signal goes: one row per signal and coach, and the coaches' acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Row, Tx
from storage.times import from_db, to_db

SEEN, CONTACT = "seen", "contact"


@dataclass(frozen=True)
class Delivery:
    id: int
    signal_id: int
    participant_id: int
    coach_id: int
    urgent: bool
    status: str
    kind: str
    category: str | None
    created_at: datetime  # the signal's time


_SELECT = (
    "SELECT d.id, d.signal_id, d.participant_id, d.coach_id, d.urgent, d.status, s.kind, s.category,"
    " s.created_at FROM signal_deliveries AS d JOIN signals AS s ON s.id = d.signal_id"
)


def _delivery(r: Row) -> Delivery:
    return Delivery(
        r["id"],
        r["signal_id"],
        r["participant_id"],
        r["coach_id"],
        bool(r["urgent"]),
        r["status"],
        r["kind"],
        r["category"],
        from_db(r["created_at"]),
    )


async def add(
    tx: Tx, *, signal_id: int, participant_id: int, coach_id: int, urgent: bool, sent: bool, now: datetime
) -> int:
    return await tx.insert(
        "INSERT INTO signal_deliveries (signal_id, participant_id, coach_id, urgent, status, created_at,"
        " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            signal_id,
            participant_id,
            coach_id,
            int(urgent),
            "sent" if sent else "waiting",
            to_db(now),
            to_db(now) if sent else None,
        ),
    )


async def get(tx: Tx, delivery_id: int) -> Delivery | None:
    row = await tx.one(f"{_SELECT} WHERE d.id = ?", (delivery_id,))
    return None if row is None else _delivery(row)


async def waiting(tx: Tx, coach_id: int, *, urgent_only: bool = False) -> list[Delivery]:
    rows = await tx.all(
        f"{_SELECT} WHERE d.coach_id = ? AND d.status = 'waiting' AND (d.urgent = 1 OR ? = 0)"
        " ORDER BY s.created_at, d.id",
        (coach_id, int(urgent_only)),
    )
    return [_delivery(row) for row in rows]


async def settle(tx: Tx, delivery_id: int, status: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE signal_deliveries SET status = ?, sent_at = ? WHERE id = ?", (status, to_db(now), delivery_id)
    )


async def acknowledge(
    tx: Tx, *, signal_id: int, participant_id: int, coach_id: int, action: str, now: datetime
) -> None:
    """Record "seen" or "I will get in touch"; a later "get in touch" replaces "seen", never the reverse."""
    await tx.execute(
        "INSERT INTO signal_acks (signal_id, participant_id, coach_id, action, at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (signal_id, coach_id) DO UPDATE SET action = excluded.action, at = excluded.at"
        " WHERE signal_acks.action = 'seen'",
        (signal_id, participant_id, coach_id, action, to_db(now)),
    )


@dataclass(frozen=True)
class Ack:
    signal_id: int
    coach_name: str
    action: str
    at: datetime


async def team_acks(tx: Tx, participant_id: int, organisation_id: int) -> dict[int, list[Ack]]:
    """Acknowledgements by the organisation's coaches, per signal id."""
    rows = await tx.all(
        "SELECT a.signal_id, c.name, a.action, a.at FROM signal_acks AS a"
        " JOIN coaches AS c ON c.id = a.coach_id"
        " WHERE a.participant_id = ? AND c.organisation_id = ? ORDER BY a.at",
        (participant_id, organisation_id),
    )
    found: dict[int, list[Ack]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(Ack(row[0], row[1], row[2], from_db(row[3])))
    return found
