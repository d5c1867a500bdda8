"""Coaches' web accounts: single-use setup links, password hash and TOTP secret, failed-login counts.

Setup links and failed-login keys are stored only as SHA-256 digests. The TOTP secret is chosen when the
setup link is made (so the QR code stays the same when the page is opened again) and moves to the account
once the coach has set a password and proved the second factor.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import from_db, to_db

SETUP_VALID = timedelta(hours=72)
FAILURES_KEPT = timedelta(hours=1)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Account:
    coach_id: int
    password_hash: str
    totp_secret: str
    last_totp_step: int


@dataclass(frozen=True)
class SetupLink:
    coach_id: int
    totp_secret: str
    expires_at: datetime


async def new_setup_link(tx: Tx, coach_id: int, totp_secret: str, now: datetime) -> tuple[str, datetime]:
    """A fresh single-use setup token for the coach (earlier unused ones end); returns (token, expiry)."""
    token = secrets.token_urlsafe(24)
    expires = now + SETUP_VALID
    await tx.execute("DELETE FROM web_setup_links WHERE coach_id = ? AND used_at IS NULL", (coach_id,))
    await tx.execute(
        "INSERT INTO web_setup_links (token_sha256, coach_id, totp_secret, expires_at) VALUES (?, ?, ?, ?)",
        (digest(token), coach_id, totp_secret, to_db(expires)),
    )
    return token, expires


async def open_setup_link(tx: Tx, token: str, now: datetime) -> SetupLink | None:
    """The link behind a token if it is unused, unexpired and its coach still has access; else None."""
    row = await tx.one(
        "SELECT web_setup_links.* FROM web_setup_links JOIN coaches ON coaches.id = web_setup_links.coach_id"
        " WHERE token_sha256 = ? AND used_at IS NULL AND coaches.status != 'removed'",
        (digest(token),),
    )
    if row is None or from_db(row["expires_at"]) <= now:
        return None
    return SetupLink(row["coach_id"], row["totp_secret"], from_db(row["expires_at"]))


async def use_setup_link(
    tx: Tx, token: str, password_hash: str, now: datetime, totp_step: int = 0
) -> int | None:
    """Use the link up and create (or replace) the coach's account; None when the link does not open.

    The used link is deleted, not kept: it would hold a second copy of the TOTP key."""
    link = await open_setup_link(tx, token, now)
    if link is None:
        return None
    await tx.execute("DELETE FROM web_setup_links WHERE token_sha256 = ?", (digest(token),))
    await tx.execute(
        "INSERT INTO web_accounts (coach_id, password_hash, totp_secret, last_totp_step, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (coach_id) DO UPDATE SET password_hash = excluded.password_hash,"
        " totp_secret = excluded.totp_secret, last_totp_step = excluded.last_totp_step",
        (link.coach_id, password_hash, link.totp_secret, totp_step, to_db(now)),
    )
    return link.coach_id


async def account(tx: Tx, coach_id: int) -> Account | None:
    """The account of a coach who still has access (a removed coach has none)."""
    row = await tx.one(
        "SELECT web_accounts.* FROM web_accounts JOIN coaches ON coaches.id = web_accounts.coach_id"
        " WHERE coach_id = ? AND coaches.status != 'removed'",
        (coach_id,),
    )
    if row is None:
        return None
    return Account(row["coach_id"], row["password_hash"], row["totp_secret"], row["last_totp_step"])


async def set_password_hash(tx: Tx, coach_id: int, password_hash: str) -> None:
    await tx.execute(
        "UPDATE web_accounts SET password_hash = ? WHERE coach_id = ?", (password_hash, coach_id)
    )


async def use_totp_step(tx: Tx, coach_id: int, step: int) -> bool:
    """Record a used TOTP time step; False when it (or a later one) was used already (a replayed code)."""
    changed = await tx.execute(
        "UPDATE web_accounts SET last_totp_step = ? WHERE coach_id = ? AND last_totp_step < ?",
        (step, coach_id, step),
    )
    return changed == 1


async def remove_account(tx: Tx, coach_id: int) -> None:
    """A removed coach: no account, no setup link (their sessions end in storage.web_sessions)."""
    await tx.execute("DELETE FROM web_accounts WHERE coach_id = ?", (coach_id,))
    await tx.execute("DELETE FROM web_setup_links WHERE coach_id = ?", (coach_id,))


async def record_failure(tx: Tx, keys: tuple[str, ...], now: datetime) -> None:
    await tx.executemany(
        "INSERT INTO web_login_failures (key_sha256, at) VALUES (?, ?)",
        [(digest(k), to_db(now)) for k in keys],
    )


async def recent_failures(tx: Tx, key: str, now: datetime, window: timedelta) -> int:
    value = await tx.scalar(
        "SELECT COUNT(*) FROM web_login_failures WHERE key_sha256 = ? AND at > ?",
        (digest(key), to_db(now - window)),
    )
    return int(value or 0)


async def forget_failures(tx: Tx, key: str) -> None:
    await tx.execute("DELETE FROM web_login_failures WHERE key_sha256 = ?", (digest(key),))


async def purge_failures(tx: Tx, now: datetime) -> int:
    return await tx.execute("DELETE FROM web_login_failures WHERE at <= ?", (to_db(now - FAILURES_KEPT),))
