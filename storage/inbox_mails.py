"""Waiting e-mail notifications to coaches: no content beyond "something new", one waiting per coach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Tx
from storage.times import from_db, to_db


@dataclass(frozen=True)
class Mail:
    id: int
    coach_id: int
    address: str
    locale: str
    send_at: datetime
    attempts: int


async def queue(tx: Tx, coach_id: int, send_at: datetime, now: datetime) -> bool:
    """One waiting mail per coach: a second "something new" joins the first (the earlier time wins)."""
    changed = await tx.execute(
        "INSERT INTO coach_mails (coach_id, send_at, status, created_at) VALUES (?, ?, 'waiting', ?)"
        " ON CONFLICT (coach_id) WHERE status = 'waiting'"
        " DO UPDATE SET send_at = MIN(send_at, excluded.send_at)",
        (coach_id, to_db(send_at), to_db(now)),
    )
    return changed == 1


async def ready(tx: Tx, now: datetime) -> list[Mail]:
    rows = await tx.all(
        "SELECT m.id, m.coach_id, c.email, c.locale, m.send_at, m.attempts FROM coach_mails AS m"
        " JOIN coaches AS c ON c.id = m.coach_id WHERE m.status = 'waiting' AND m.send_at <= ?"
        " ORDER BY m.send_at, m.id",
        (to_db(now),),
    )
    return [Mail(r[0], r[1], r[2] or "", r[3], from_db(r[4]), r[5]) for r in rows]


async def settle(tx: Tx, mail_id: int, status: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE coach_mails SET status = ?, sent_at = ?, attempts = attempts + 1 WHERE id = ?",
        (status, to_db(now), mail_id),
    )


async def retry_later(tx: Tx, mail_id: int, at: datetime) -> None:
    await tx.execute(
        "UPDATE coach_mails SET send_at = ?, attempts = attempts + 1 WHERE id = ?", (to_db(at), mail_id)
    )


async def purge_settled(tx: Tx, before: datetime) -> int:
    """Sent, failed and dropped mails created before `before` (the waiting one stays)."""
    return await tx.execute(
        "DELETE FROM coach_mails WHERE status != 'waiting' AND created_at < ?", (to_db(before),)
    )
