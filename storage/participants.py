"""Participants: a pseudonym, the chat to deliver to, language, time zone and status. Nothing else."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from storage.database import Row, Tx
from storage.times import from_db, to_db

# No 0/O, 1/I/L: pseudonyms are read aloud and typed by staff.
PSEUDONYM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Status(Enum):
    ACTIVE = "active"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Participant:
    id: int
    pseudonym: str
    chat_id: int
    locale: str
    timezone: str
    status: Status
    enrolled_at: datetime
    region: str | None = None


def _from_row(row: Row) -> Participant:
    return Participant(
        id=row["id"],
        pseudonym=row["pseudonym"],
        chat_id=row["chat_id"],
        locale=row["locale"],
        timezone=row["timezone"],
        status=Status(row["status"]),
        enrolled_at=from_db(row["enrolled_at"]),
        region=row["region"],
    )


async def new_pseudonym(tx: Tx) -> str:
    """A pseudonym nobody holds, internal or an organisation's, and the audit log does not name."""
    while True:
        candidate = "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))
        # A pseudonym the audit log still names is never handed out again: the log must not mix two people.
        taken = await tx.scalar(
            "SELECT 1 FROM participants WHERE pseudonym = ?"
            " UNION ALL SELECT 1 FROM organisation_pseudonyms WHERE pseudonym = ?"
            " UNION ALL SELECT 1 FROM audit_log WHERE pseudonym = ?",
            (candidate, candidate, candidate),
        )
        if taken is None:
            return candidate


async def create(
    tx: Tx, *, chat_id: int, locale: str, timezone: str, now: datetime, region: str | None = None
) -> Participant:
    pseudonym = await new_pseudonym(tx)
    row_id = await tx.insert(
        "INSERT INTO participants"
        " (pseudonym, chat_id, locale, timezone, status, enrolled_at, status_at, region)"
        " VALUES (?, ?, ?, ?, 'active', ?, ?, ?)",
        (pseudonym, chat_id, locale, timezone, to_db(now), to_db(now), region),
    )
    return Participant(row_id, pseudonym, chat_id, locale, timezone, Status.ACTIVE, now, region)


async def by_chat(tx: Tx, chat_id: int) -> Participant | None:
    row = await tx.one("SELECT * FROM participants WHERE chat_id = ?", (chat_id,))
    return None if row is None else _from_row(row)


async def by_id(tx: Tx, participant_id: int) -> Participant | None:
    row = await tx.one("SELECT * FROM participants WHERE id = ?", (participant_id,))
    return None if row is None else _from_row(row)


async def by_pseudonym(tx: Tx, pseudonym: str) -> Participant | None:
    row = await tx.one("SELECT * FROM participants WHERE pseudonym = ?", (pseudonym.strip().upper(),))
    return None if row is None else _from_row(row)


async def set_locale(tx: Tx, participant_id: int, locale: str) -> None:
    await tx.execute("UPDATE participants SET locale = ? WHERE id = ?", (locale, participant_id))


async def set_region(tx: Tx, participant_id: int, region: str | None) -> None:
    await tx.execute("UPDATE participants SET region = ? WHERE id = ?", (region, participant_id))


async def set_timezone(tx: Tx, participant_id: int, timezone: str) -> None:
    await tx.execute("UPDATE participants SET timezone = ? WHERE id = ?", (timezone, participant_id))


async def set_status(tx: Tx, participant_id: int, status: Status, now: datetime) -> None:
    await tx.execute(
        "UPDATE participants SET status = ?, status_at = ? WHERE id = ?",
        (status.value, to_db(now), participant_id),
    )


async def mark_unreachable(tx: Tx, participant_id: int, now: datetime) -> bool:
    """The person blocked the bot. Only an active participant becomes unreachable: someone who stopped
    stays stopped (else their next message would make them active again). True when it changed."""
    return await _change_status(tx, participant_id, Status.ACTIVE, Status.UNREACHABLE, now)


async def mark_reachable(tx: Tx, participant_id: int, now: datetime) -> bool:
    """An unreachable participant wrote to us, so messages reach them again; nobody else changes."""
    return await _change_status(tx, participant_id, Status.UNREACHABLE, Status.ACTIVE, now)


async def _change_status(tx: Tx, participant_id: int, old: Status, new: Status, now: datetime) -> bool:
    changed = await tx.execute(
        "UPDATE participants SET status = ?, status_at = ? WHERE id = ? AND status = ?",
        (new.value, to_db(now), participant_id, old.value),
    )
    return changed == 1


async def count_by_status(tx: Tx) -> dict[str, int]:
    rows = await tx.all("SELECT status, COUNT(*) FROM participants GROUP BY status")
    return {row[0]: row[1] for row in rows}


async def departed_before(tx: Tx, before: datetime, limit: int) -> list[Participant]:
    """People who stopped or could not be reached since before `before`: due for automatic erasure."""
    rows = await tx.all(
        "SELECT * FROM participants WHERE status IN ('stopped', 'unreachable') AND status_at < ?"
        " ORDER BY id LIMIT ?",
        (to_db(before), limit),
    )
    return [_from_row(row) for row in rows]
