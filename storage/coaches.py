"""Coaches: staff of an organisation, enrolled with a single-use code, and their links to participants.

The enrolment code is stored only as a SHA-256 digest, like invitations. A removed coach keeps its row
(the audit log and the team's acknowledgements name it) but has no access and no links.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db

CODE_VALID = timedelta(hours=72)
NAME_MAX = 80


class CoachStatus(Enum):
    INVITED = "invited"
    ACTIVE = "active"
    REMOVED = "removed"


@dataclass(frozen=True)
class Coach:
    id: int
    organisation_id: int
    organisation: str  # the organisation's name
    name: str
    chat_id: int | None
    status: CoachStatus
    locale: str
    timezone: str
    digest_at: str  # local 'HH:MM'
    quiet_start: str
    quiet_end: str
    urgent_in_quiet: bool
    enrolled_at: datetime | None
    email: str | None = None  # work e-mail for notifications (no participant data ever goes there)

    @property
    def active(self) -> bool:
        return self.status is CoachStatus.ACTIVE


@dataclass(frozen=True)
class NewCoach:
    coach: Coach
    code: str
    expires_at: datetime


_SELECT = (
    "SELECT coaches.*, organisations.name AS organisation FROM coaches"
    " JOIN organisations ON organisations.id = coaches.organisation_id"
)


def _from_row(row: Row) -> Coach:
    return Coach(
        id=row["id"],
        organisation_id=row["organisation_id"],
        organisation=row["organisation"],
        name=row["name"],
        chat_id=row["chat_id"],
        status=CoachStatus(row["status"]),
        locale=row["locale"],
        timezone=row["timezone"],
        digest_at=row["digest_at"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        urgent_in_quiet=bool(row["urgent_in_quiet"]),
        enrolled_at=maybe_from_db(row["enrolled_at"]),
        email=row["email"],
    )


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


async def create(
    tx: Tx, *, organisation_id: int, name: str, locale: str, timezone: str, now: datetime
) -> NewCoach:
    code = secrets.token_urlsafe(16)
    expires = now + CODE_VALID
    row_id = await tx.insert(
        "INSERT INTO coaches (organisation_id, name, status, code_sha256, code_expires_at, locale, timezone,"
        " created_at) VALUES (?, ?, 'invited', ?, ?, ?, ?, ?)",
        (organisation_id, name, code_digest(code), to_db(expires), locale, timezone, to_db(now)),
    )
    coach = await by_id(tx, row_id)
    assert coach is not None
    return NewCoach(coach, code, expires)


async def by_id(tx: Tx, coach_id: int) -> Coach | None:
    row = await tx.one(f"{_SELECT} WHERE coaches.id = ?", (coach_id,))
    return None if row is None else _from_row(row)


async def by_chat(tx: Tx, chat_id: int) -> Coach | None:
    row = await tx.one(f"{_SELECT} WHERE coaches.chat_id = ?", (chat_id,))
    return None if row is None else _from_row(row)


@dataclass(frozen=True)
class CodeCheck:
    coach_id: int
    valid: bool  # False: used or expired


async def check_code(tx: Tx, code: str, now: datetime) -> CodeCheck | None:
    """None when the code is no coach code at all (it may be a participant's invitation)."""
    row = await tx.one(
        "SELECT id, status, code_expires_at FROM coaches WHERE code_sha256 = ?", (code_digest(code),)
    )
    if row is None:
        return None
    expires = row["code_expires_at"]
    valid = row["status"] == "invited" and expires is not None and from_db(expires) > now
    return CodeCheck(row["id"], valid)


async def activate(tx: Tx, coach_id: int, chat_id: int, now: datetime) -> None:
    """The code was opened: the chat is the coach's, the code is used up."""
    await tx.execute(
        "UPDATE coaches SET status = 'active', chat_id = ?, enrolled_at = ?, code_expires_at = NULL"
        " WHERE id = ? AND status = 'invited'",
        (chat_id, to_db(now), coach_id),
    )


async def remove(tx: Tx, coach_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE coaches SET status = 'removed', removed_at = ?, code_sha256 = NULL, code_expires_at = NULL"
        " WHERE id = ?",
        (to_db(now), coach_id),
    )
    await tx.execute("DELETE FROM coach_links WHERE coach_id = ?", (coach_id,))


async def all_coaches(tx: Tx) -> list[Coach]:
    return [_from_row(row) for row in await tx.all(f"{_SELECT} ORDER BY coaches.id")]


async def set_locale(tx: Tx, coach_id: int, locale: str) -> None:
    await tx.execute("UPDATE coaches SET locale = ? WHERE id = ?", (locale, coach_id))


async def set_alerts(
    tx: Tx, coach_id: int, *, digest_at: str, quiet_start: str, quiet_end: str, urgent_in_quiet: bool
) -> None:
    await tx.execute(
        "UPDATE coaches SET digest_at = ?, quiet_start = ?, quiet_end = ?, urgent_in_quiet = ? WHERE id = ?",
        (digest_at, quiet_start, quiet_end, int(urgent_in_quiet), coach_id),
    )


# Links between coaches and participants.


async def link(tx: Tx, participant_id: int, coach_id: int, now: datetime) -> bool:
    """Link a participant to a coach; False when they were linked already."""
    changed = await tx.execute(
        "INSERT INTO coach_links (participant_id, coach_id, linked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (participant_id, coach_id) DO NOTHING",
        (participant_id, coach_id, to_db(now)),
    )
    return changed == 1


async def unlink_organisation(tx: Tx, participant_id: int, organisation_id: int) -> list[int]:
    """End every link of the participant to the organisation's coaches; returns those coaches' ids."""
    rows = await tx.all(
        "SELECT coach_links.coach_id FROM coach_links JOIN coaches ON coaches.id = coach_links.coach_id"
        " WHERE coach_links.participant_id = ? AND coaches.organisation_id = ?",
        (participant_id, organisation_id),
    )
    ids = [row[0] for row in rows]
    for coach_id in ids:
        await tx.execute(
            "DELETE FROM coach_links WHERE participant_id = ? AND coach_id = ?", (participant_id, coach_id)
        )
    return ids


async def hand_over(tx: Tx, from_coach: int, to_coach: int, now: datetime) -> int:
    """Move a coach's links to a colleague (before removing them); returns how many moved."""
    rows = await tx.all("SELECT participant_id FROM coach_links WHERE coach_id = ?", (from_coach,))
    for row in rows:
        await link(tx, row[0], to_coach, now)
    await tx.execute("DELETE FROM coach_links WHERE coach_id = ?", (from_coach,))
    return len(rows)


async def coaches_of(tx: Tx, participant_id: int, *, active_only: bool = True) -> list[Coach]:
    """The coaches a participant is linked to."""
    rows = await tx.all(
        f"{_SELECT} JOIN coach_links ON coach_links.coach_id = coaches.id"
        " WHERE coach_links.participant_id = ?"
        + (" AND coaches.status = 'active'" if active_only else "")
        + " ORDER BY coaches.organisation_id, coaches.id",
        (participant_id,),
    )
    return [_from_row(row) for row in rows]


async def organisations_of(tx: Tx, participant_id: int) -> list[tuple[int, str]]:
    """(id, name) of every organisation the participant is linked to through a coach, in link order."""
    rows = await tx.all(
        "SELECT organisations.id, organisations.name, MIN(coach_links.linked_at) AS first FROM coach_links"
        " JOIN coaches ON coaches.id = coach_links.coach_id"
        " JOIN organisations ON organisations.id = coaches.organisation_id"
        " WHERE coach_links.participant_id = ? GROUP BY organisations.id ORDER BY first, organisations.id",
        (participant_id,),
    )
    return [(row[0], row[1]) for row in rows]


async def is_linked(tx: Tx, coach_id: int, participant_id: int) -> bool:
    found = await tx.scalar(
        "SELECT 1 FROM coach_links WHERE coach_id = ? AND participant_id = ?", (coach_id, participant_id)
    )
    return found is not None


async def caseload(tx: Tx, coach_id: int) -> list[int]:
    """The participant ids linked to a coach, oldest link first."""
    rows = await tx.all(
        "SELECT participant_id FROM coach_links WHERE coach_id = ? ORDER BY linked_at, participant_id",
        (coach_id,),
    )
    return [row[0] for row in rows]


async def caseload_size(tx: Tx, coach_id: int) -> int:
    """Linked participants still taking part (those who stopped no longer count)."""
    value = await tx.scalar(
        "SELECT COUNT(*) FROM coach_links JOIN participants ON participants.id = coach_links.participant_id"
        " WHERE coach_links.coach_id = ? AND participants.status != 'stopped'",
        (coach_id,),
    )
    return int(value or 0)


async def over_limit(tx: Tx, limit: int) -> list[tuple[Coach, int]]:
    """Active coaches whose caseload is above the limit, with its size."""
    found = []
    for coach in await all_coaches(tx):
        if coach.active and (size := await caseload_size(tx, coach.id)) > limit:
            found.append((coach, size))
    return found


async def set_email(tx: Tx, coach_id: int, email: str | None) -> None:
    await tx.execute("UPDATE coaches SET email = ? WHERE id = ?", (email, coach_id))


# Teams: the coaches of one organisation. A participant's assigned coach is the one they are linked to
# (the inviting one by default); the colleagues may see the case within what the participant allowed the
# organisation, and cover.


async def team(tx: Tx, organisation_id: int) -> list[Coach]:
    """The organisation's active coaches."""
    rows = await tx.all(
        f"{_SELECT} WHERE coaches.organisation_id = ? AND coaches.status = 'active' ORDER BY coaches.id",
        (organisation_id,),
    )
    return [_from_row(row) for row in rows]


async def assigned(tx: Tx, participant_id: int, organisation_id: int) -> list[Coach]:
    """The participant's assigned (linked) coaches of the organisation."""
    return [c for c in await coaches_of(tx, participant_id) if c.organisation_id == organisation_id]


async def in_team_caseload(tx: Tx, organisation_id: int, participant_id: int) -> bool:
    """Whether the participant is linked to a coach of the organisation."""
    found = await tx.scalar(
        "SELECT 1 FROM coach_links JOIN coaches ON coaches.id = coach_links.coach_id"
        " WHERE coaches.organisation_id = ? AND coach_links.participant_id = ? LIMIT 1",
        (organisation_id, participant_id),
    )
    return found is not None


async def team_caseload(tx: Tx, organisation_id: int) -> list[int]:
    """The participant ids linked to any coach of the organisation, oldest link first."""
    rows = await tx.all(
        "SELECT coach_links.participant_id, MIN(coach_links.linked_at) AS first FROM coach_links"
        " JOIN coaches ON coaches.id = coach_links.coach_id WHERE coaches.organisation_id = ?"
        " GROUP BY coach_links.participant_id ORDER BY first, coach_links.participant_id",
        (organisation_id,),
    )
    return [row[0] for row in rows]


async def reassign(tx: Tx, participant_id: int, from_coach: int, to_coach: int, now: datetime) -> bool:
    """Hand one participant over from a coach to a colleague; False when they were not linked."""
    changed = await tx.execute(
        "DELETE FROM coach_links WHERE participant_id = ? AND coach_id = ?", (participant_id, from_coach)
    )
    if changed == 0:
        return False
    await link(tx, participant_id, to_coach, now)
    return True
