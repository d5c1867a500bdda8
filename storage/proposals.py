"""Appointment proposals made by coaches and the participant's answer to each: waiting, confirmed, declined
or changed (with the new time). Only the kind and the times: no place, no note. The row outlives a declined
(deleted) appointment so the proposer and their team can see the answer; it goes with the participant and
with the connection to the organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db


class State(StrEnum):
    WAITING = "waiting"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CHANGED = "changed"


@dataclass(frozen=True)
class Proposal:
    id: int
    appointment_id: int | None
    participant_id: int
    organisation_id: int
    coach_id: int
    coach_name: str
    kind: str
    starts_at: datetime
    state: State
    new_starts_at: datetime | None
    answered_at: datetime | None
    created_at: datetime


_SELECT = (
    "SELECT p.*, c.name AS coach_name FROM appointment_proposals AS p JOIN coaches AS c ON c.id = p.coach_id"
)


def _from_row(r: Row) -> Proposal:
    return Proposal(
        id=r["id"],
        appointment_id=r["appointment_id"],
        participant_id=r["participant_id"],
        organisation_id=r["organisation_id"],
        coach_id=r["coach_id"],
        coach_name=r["coach_name"],
        kind=r["kind"],
        starts_at=from_db(r["starts_at"]),
        state=State(r["state"]),
        new_starts_at=maybe_from_db(r["new_starts_at"]),
        answered_at=maybe_from_db(r["answered_at"]),
        created_at=from_db(r["created_at"]),
    )


async def add(
    tx: Tx,
    *,
    appointment_id: int,
    participant_id: int,
    organisation_id: int,
    coach_id: int,
    kind: str,
    starts_at: datetime,
    now: datetime,
) -> int:
    return await tx.insert(
        "INSERT INTO appointment_proposals (appointment_id, participant_id, organisation_id, coach_id, kind,"
        " starts_at, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?)",
        (appointment_id, participant_id, organisation_id, coach_id, kind, to_db(starts_at), to_db(now)),
    )


async def of_appointment(tx: Tx, appointment_id: int) -> Proposal | None:
    row = await tx.one(f"{_SELECT} WHERE p.appointment_id = ? ORDER BY p.id DESC", (appointment_id,))
    return None if row is None else _from_row(row)


async def answer(
    tx: Tx, proposal_id: int, state: State, now: datetime, new_starts_at: datetime | None = None
) -> None:
    """The participant's answer; a declined proposal lets go of its (deleted) appointment."""
    await tx.execute(
        "UPDATE appointment_proposals SET state = ?, new_starts_at = ?, answered_at = ?,"
        " appointment_id = CASE WHEN ? = 'declined' THEN NULL ELSE appointment_id END WHERE id = ?",
        (state.value, to_db(new_starts_at) if new_starts_at else None, to_db(now), state.value, proposal_id),
    )


async def of_case(tx: Tx, participant_id: int, organisation_id: int, limit: int = 10) -> list[Proposal]:
    """The organisation's proposals to the participant, newest first."""
    rows = await tx.all(
        f"{_SELECT} WHERE p.participant_id = ? AND p.organisation_id = ?"
        " ORDER BY p.created_at DESC, p.id DESC LIMIT ?",
        (participant_id, organisation_id, limit),
    )
    return [_from_row(row) for row in rows]


async def of_organisation(tx: Tx, organisation_id: int, since: datetime) -> list[Proposal]:
    """The organisation's proposals made or answered since `since`, newest first."""
    rows = await tx.all(
        f"{_SELECT} WHERE p.organisation_id = ? AND (p.created_at >= ? OR p.answered_at >= ?)"
        " ORDER BY COALESCE(p.answered_at, p.created_at) DESC, p.id DESC",
        (organisation_id, to_db(since), to_db(since)),
    )
    return [_from_row(row) for row in rows]


async def forget_connection(tx: Tx, participant_id: int, organisation_id: int) -> None:
    await tx.execute(
        "DELETE FROM appointment_proposals WHERE participant_id = ? AND organisation_id = ?",
        (participant_id, organisation_id),
    )


async def purge_ended_before(tx: Tx, before: datetime) -> int:
    """Forget proposals whose (changed) time lies further back than the appointments' retention period."""
    return await tx.execute(
        "DELETE FROM appointment_proposals WHERE COALESCE(new_starts_at, starts_at) < ?", (to_db(before),)
    )
