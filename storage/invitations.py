"""Single-use invitation codes. Only a SHA-256 of each code is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from storage.database import Tx
from storage.times import from_db, to_db


class CodeState(Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class NewInvitation:
    id: int
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class Invitation:
    id: int
    expires_at: datetime
    state: CodeState
    region: str | None = None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


async def create(tx: Tx, now: datetime, valid_for: timedelta, region: str | None = None) -> NewInvitation:
    code = secrets.token_urlsafe(16)  # 128 random bits, 22 characters of [A-Za-z0-9_-]
    expires = now + valid_for
    row_id = await tx.insert(
        "INSERT INTO invitations (code_sha256, created_at, expires_at, region) VALUES (?, ?, ?, ?)",
        (_digest(code), to_db(now), to_db(expires), region),
    )
    return NewInvitation(row_id, code, expires)


async def check(tx: Tx, code: str, now: datetime) -> Invitation | None:
    row = await tx.one(
        "SELECT id, expires_at, used_at, region FROM invitations WHERE code_sha256 = ?", (_digest(code),)
    )
    if row is None:
        return None
    expires = from_db(row["expires_at"])
    if row["used_at"] is not None:
        state = CodeState.USED
    elif expires <= now:
        state = CodeState.EXPIRED
    else:
        state = CodeState.VALID
    return Invitation(row["id"], expires, state, row["region"])


async def check_expiry(tx: Tx, invitation_id: int) -> datetime | None:
    value = await tx.scalar("SELECT expires_at FROM invitations WHERE id = ?", (invitation_id,))
    return None if value is None else from_db(value)


async def region_of(tx: Tx, invitation_id: int) -> str | None:
    value = await tx.scalar("SELECT region FROM invitations WHERE id = ?", (invitation_id,))
    return None if value is None else str(value)


async def is_usable(tx: Tx, invitation_id: int, now: datetime) -> bool:
    row = await tx.one("SELECT expires_at, used_at FROM invitations WHERE id = ?", (invitation_id,))
    return row is not None and row["used_at"] is None and from_db(row["expires_at"]) > now


async def mark_used(tx: Tx, invitation_id: int, participant_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE invitations SET used_at = ?, participant_id = ? WHERE id = ?",
        (to_db(now), participant_id, invitation_id),
    )


async def create_for_coach(
    tx: Tx, now: datetime, valid_for: timedelta, coach_id: int, region: str | None = None
) -> NewInvitation:
    """An invitation from a coach (their /invite, or `companion invite --coach`): whoever opens it is
    linked to that coach, and takes the region of the coach's organisation unless `region` is given."""
    if region is None:
        found = await tx.scalar(
            "SELECT organisations.region FROM coaches"
            " JOIN organisations ON organisations.id = coaches.organisation_id WHERE coaches.id = ?",
            (coach_id,),
        )
        region = None if found is None else str(found)
    created = await create(tx, now, valid_for, region)
    await tx.execute("UPDATE invitations SET coach_id = ? WHERE id = ?", (coach_id, created.id))
    return created


async def coach_of(tx: Tx, invitation_id: int) -> int | None:
    value = await tx.scalar("SELECT coach_id FROM invitations WHERE id = ?", (invitation_id,))
    return None if value is None else int(value)


async def mark_linked(tx: Tx, invitation_id: int, participant_id: int, now: datetime) -> None:
    """Used by someone already taking part, to connect with the inviting coach (not a new enrolment)."""
    await tx.execute(
        "UPDATE invitations SET used_at = ?, participant_id = ?, used_for = 'link' WHERE id = ?",
        (to_db(now), participant_id, invitation_id),
    )
