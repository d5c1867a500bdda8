"""Server-side sessions of the web case view: the cookie holds a random id, stored here as SHA-256.

A session ends when it is revoked (logout, the coach removed), when it was idle too long, or when it
reached its absolute lifetime; the caller passes both limits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import from_db, to_db
from storage.web_accounts import digest


@dataclass(frozen=True)
class Session:
    coach_id: int
    csrf_token: str
    locale: str | None
    created_at: datetime
    last_seen_at: datetime


async def start(tx: Tx, coach_id: int, now: datetime, locale: str | None = None) -> str:
    """A new session; returns the id for the cookie (only its digest is stored)."""
    session_id = secrets.token_urlsafe(32)
    await tx.execute(
        "INSERT INTO web_sessions (id_sha256, coach_id, csrf_token, locale, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (digest(session_id), coach_id, secrets.token_urlsafe(32), locale, to_db(now), to_db(now)),
    )
    return session_id


async def current(
    tx: Tx, session_id: str, now: datetime, *, idle: timedelta, lifetime: timedelta
) -> Session | None:
    """The live session behind a cookie, touched (its idle time starts again); None when it is unknown,
    revoked, idle too long, past its lifetime, or its coach no longer has access (then it is revoked)."""
    row = await tx.one(
        "SELECT web_sessions.*, coaches.status FROM web_sessions"
        " JOIN coaches ON coaches.id = web_sessions.coach_id"
        " WHERE id_sha256 = ? AND revoked_at IS NULL",
        (digest(session_id),),
    )
    if row is None:
        return None
    created, seen = from_db(row["created_at"]), from_db(row["last_seen_at"])
    if row["status"] != "active" or now - seen > idle or now - created > lifetime:
        await revoke(tx, session_id, now)
        return None
    await tx.execute(
        "UPDATE web_sessions SET last_seen_at = ? WHERE id_sha256 = ?", (to_db(now), digest(session_id))
    )
    return Session(row["coach_id"], row["csrf_token"], row["locale"], created, now)


async def revoke(tx: Tx, session_id: str, now: datetime) -> None:
    await tx.execute(
        "UPDATE web_sessions SET revoked_at = ? WHERE id_sha256 = ? AND revoked_at IS NULL",
        (to_db(now), digest(session_id)),
    )


async def revoke_coach(tx: Tx, coach_id: int, now: datetime) -> int:
    """End every session of a coach at once; returns how many were live."""
    return await tx.execute(
        "UPDATE web_sessions SET revoked_at = ? WHERE coach_id = ? AND revoked_at IS NULL",
        (to_db(now), coach_id),
    )


async def set_locale(tx: Tx, session_id: str, locale: str) -> None:
    await tx.execute("UPDATE web_sessions SET locale = ? WHERE id_sha256 = ?", (locale, digest(session_id)))


async def purge(tx: Tx, now: datetime, lifetime: timedelta) -> int:
    """Delete sessions that ended (revoked or past their lifetime) a day ago or more."""
    cutoff = to_db(now - lifetime - timedelta(days=1))
    return await tx.execute(
        "DELETE FROM web_sessions WHERE created_at < ? OR revoked_at < ?",
        (cutoff, to_db(now - timedelta(days=1))),
    )
