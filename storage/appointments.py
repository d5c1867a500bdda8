"""Appointments and each participant's default reminders.

A cancelled or declined appointment is deleted, not flagged: the table only ever holds what the participant
still wants to keep. Nothing here records whether anyone went.

The place and the note are free text, so they arrive here already sealed (storage/sealing.py) and are
stored in `place_sealed` and `note_sealed`. The old columns `place` and `note` only hold plain text written
before migration 0009; `rotate_text` (run by `companion keys rotate`) seals it and clears them.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from storage.database import Row, Tx
from storage.sealing import Sealer, SealError
from storage.times import from_db, to_db

KINDS = ("jobcentre", "doctor", "counselling", "therapy", "work", "authority", "other")
PLACE_MAX = 200
NOTE_MAX = 300


@dataclass(frozen=True)
class Appointment:
    id: int
    participant_id: int
    starts_at: datetime
    kind: str
    place_sealed: bytes | None
    note_sealed: bytes | None
    status: str  # proposed | confirmed
    added_by: str  # participant | staff
    reminders: list[str] | None  # None: the participant's defaults
    answer: str | None
    help_needs: list[str]
    outcome: str | None
    uid: str
    sequence: int
    legacy_place: str | None = None  # plain text from before migration 0009, until it is sealed
    legacy_note: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


def _from_row(row: Row) -> Appointment:
    return Appointment(
        id=row["id"],
        participant_id=row["participant_id"],
        starts_at=from_db(row["starts_at"]),
        kind=row["kind"],
        place_sealed=row["place_sealed"],
        note_sealed=row["note_sealed"],
        status=row["status"],
        added_by=row["added_by"],
        reminders=None if row["reminders"] is None else list(json.loads(row["reminders"])),
        answer=row["answer"],
        help_needs=list(json.loads(row["help_needs"])),
        outcome=row["outcome"],
        uid=row["uid"],
        sequence=row["sequence"],
        legacy_place=row["place"],
        legacy_note=row["note"],
    )


async def create(
    tx: Tx,
    *,
    participant_id: int,
    starts_at: datetime,
    kind: str,
    place: bytes | None,
    note: bytes | None,
    status: str,
    added_by: str,
    now: datetime,
) -> Appointment:
    uid = f"{secrets.token_hex(16)}@companion.invalid"
    row_id = await tx.insert(
        "INSERT INTO appointments (participant_id, starts_at, kind, place_sealed, note_sealed, status,"
        " added_by, uid, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (participant_id, to_db(starts_at), kind, place, note, status, added_by, uid, to_db(now), to_db(now)),
    )
    created = await get(tx, row_id)
    assert created is not None
    return created


async def get(tx: Tx, appointment_id: int) -> Appointment | None:
    row = await tx.one("SELECT * FROM appointments WHERE id = ?", (appointment_id,))
    return None if row is None else _from_row(row)


async def of_participant(tx: Tx, participant_id: int, appointment_id: int) -> Appointment | None:
    """The appointment only if it belongs to this participant (buttons and typed ids are never trusted)."""
    row = await tx.one(
        "SELECT * FROM appointments WHERE id = ? AND participant_id = ?", (appointment_id, participant_id)
    )
    return None if row is None else _from_row(row)


async def upcoming(tx: Tx, participant_id: int, now: datetime) -> list[Appointment]:
    rows = await tx.all(
        "SELECT * FROM appointments WHERE participant_id = ? AND starts_at > ? ORDER BY starts_at, id",
        (participant_id, to_db(now)),
    )
    return [_from_row(row) for row in rows]


async def all_of(tx: Tx, participant_id: int) -> list[Appointment]:
    rows = await tx.all(
        "SELECT * FROM appointments WHERE participant_id = ? ORDER BY starts_at, id", (participant_id,)
    )
    return [_from_row(row) for row in rows]


async def between(tx: Tx, participant_id: int, start: datetime, end: datetime) -> list[Appointment]:
    rows = await tx.all(
        "SELECT * FROM appointments WHERE participant_id = ? AND starts_at > ? AND starts_at <= ?"
        " ORDER BY starts_at, id",
        (participant_id, to_db(start), to_db(end)),
    )
    return [_from_row(row) for row in rows]


async def using_defaults(tx: Tx, participant_id: int, now: datetime) -> list[Appointment]:
    """Confirmed upcoming appointments that follow the participant's default reminders."""
    rows = await tx.all(
        "SELECT * FROM appointments WHERE participant_id = ? AND starts_at > ? AND status = 'confirmed'"
        " AND reminders IS NULL ORDER BY starts_at, id",
        (participant_id, to_db(now)),
    )
    return [_from_row(row) for row in rows]


async def _update(
    tx: Tx, appointment_id: int, now: datetime, assignments: str, values: tuple[object, ...]
) -> None:
    await tx.execute(
        f"UPDATE appointments SET {assignments}, sequence = sequence + 1, updated_at = ? WHERE id = ?",  # noqa: S608
        (*values, to_db(now), appointment_id),
    )


async def bump(tx: Tx, appointment_id: int, now: datetime) -> int:
    """Raise the sequence (a new plan generation, a newer calendar file); returns the new value."""
    await _update(tx, appointment_id, now, "status = status", ())
    return int(await tx.scalar("SELECT sequence FROM appointments WHERE id = ?", (appointment_id,)))


async def move(tx: Tx, appointment_id: int, starts_at: datetime, now: datetime) -> None:
    """A new time: earlier answers were about the old one, so they are cleared."""
    await _update(
        tx,
        appointment_id,
        now,
        "starts_at = ?, answer = NULL, help_needs = '[]', outcome = NULL",
        (to_db(starts_at),),
    )


async def set_place(tx: Tx, appointment_id: int, place: bytes | None, now: datetime) -> None:
    """A new place, sealed (None: no place); a legacy plain place goes with it."""
    await _update(tx, appointment_id, now, "place_sealed = ?, place = NULL", (place,))


async def set_reminders(tx: Tx, appointment_id: int, reminders: list[str] | None, now: datetime) -> None:
    await _update(
        tx, appointment_id, now, "reminders = ?", (None if reminders is None else json.dumps(reminders),)
    )


async def confirm(tx: Tx, appointment_id: int, now: datetime) -> None:
    await _update(tx, appointment_id, now, "status = 'confirmed'", ())


async def set_answer(tx: Tx, appointment_id: int, answer: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE appointments SET answer = ?, updated_at = ? WHERE id = ?",
        (answer, to_db(now), appointment_id),
    )


async def add_help_need(tx: Tx, appointment_id: int, category: str, now: datetime) -> bool:
    """Note a kind of help asked for; False when it was already noted."""
    current = await get(tx, appointment_id)
    if current is None or category in current.help_needs:
        return False
    await tx.execute(
        "UPDATE appointments SET help_needs = ?, answer = 'help', updated_at = ? WHERE id = ?",
        (json.dumps([*current.help_needs, category]), to_db(now), appointment_id),
    )
    return True


async def set_outcome(tx: Tx, appointment_id: int, outcome: str | None, now: datetime) -> None:
    await tx.execute(
        "UPDATE appointments SET outcome = ?, updated_at = ? WHERE id = ?",
        (outcome, to_db(now), appointment_id),
    )


async def delete(tx: Tx, appointment_id: int) -> None:
    await tx.execute("DELETE FROM appointments WHERE id = ?", (appointment_id,))


async def purge_ended_before(tx: Tx, before: datetime) -> int:
    """Forget appointments that lie further back than the retention period (a maintenance job calls it)."""
    return await tx.execute("DELETE FROM appointments WHERE starts_at < ?", (to_db(before),))


async def default_reminders(tx: Tx, participant_id: int) -> list[str] | None:
    """The participant's own defaults, or None when they never changed them."""
    value = await tx.scalar(
        "SELECT reminders FROM reminder_defaults WHERE participant_id = ?", (participant_id,)
    )
    return None if value is None else list(json.loads(value))


async def set_default_reminders(tx: Tx, participant_id: int, reminders: list[str], now: datetime) -> None:
    await tx.execute(
        "INSERT INTO reminder_defaults (participant_id, reminders, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (participant_id) DO UPDATE SET reminders = excluded.reminders,"
        " updated_at = excluded.updated_at",
        (participant_id, json.dumps(reminders), to_db(now)),
    )


@dataclass
class Resealed:
    """What `rotate_text` did, counted per text (a place or a note)."""

    rotated: int = 0  # sealed texts re-sealed under the newest key
    sealed_legacy: int = 0  # plain texts from before migration 0009, now sealed
    unreadable: int = 0  # sealed with a key that is not configured; left as they are


async def rotate_text(tx: Tx, sealer: Sealer) -> Resealed:
    """Re-seal every stored place and note under the newest key, and seal any legacy plain text."""
    result = Resealed()

    def reseal(sealed: bytes | None, legacy: str | None) -> bytes | None:
        if sealed is not None:
            try:
                fresh = sealer.rotate(sealed)
            except SealError:
                result.unreadable += 1
                return sealed
            result.rotated += 1
            return fresh
        if legacy is not None:
            result.sealed_legacy += 1
            return sealer.seal(legacy)
        return None

    rows = await tx.all(
        "SELECT id, place, note, place_sealed, note_sealed FROM appointments WHERE place IS NOT NULL"
        " OR note IS NOT NULL OR place_sealed IS NOT NULL OR note_sealed IS NOT NULL ORDER BY id"
    )
    for row in rows:
        place = reseal(row["place_sealed"], row["place"])
        note = reseal(row["note_sealed"], row["note"])
        await tx.execute(
            "UPDATE appointments SET place_sealed = ?, note_sealed = ?, place = NULL, note = NULL"
            " WHERE id = ?",
            (place, note, row["id"]),
        )
    return result
