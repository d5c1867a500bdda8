"""Passwords (argon2id), the TOTP second factor, its QR code, and login throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from storage import web_accounts
from storage.database import Tx

PASSWORD_MIN = 12
PASSWORD_MAX = 256
ISSUER = "Companion"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account_name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element (no XML declaration, no style attribute)."""
    return str(
        segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=ISSUER, omitsize=True)
    )


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step a code belongs to (now, or one step either side for clock drift); None when wrong."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


@dataclass(frozen=True)
class Throttle:
    account_key: str
    address_key: str


def throttle_keys(coach_id: int | None, address: str) -> Throttle:
    return Throttle(f"coach:{coach_id}", f"addr:{address}")


async def throttled(tx: Tx, keys: Throttle, now: datetime) -> bool:
    """Too many failed logins lately for this account or from this address."""
    return (
        await web_accounts.recent_failures(tx, keys.account_key, now, THROTTLE_WINDOW)
        >= MAX_FAILURES_PER_ACCOUNT
        or await web_accounts.recent_failures(tx, keys.address_key, now, THROTTLE_WINDOW)
        >= MAX_FAILURES_PER_ADDRESS
    )


async def check_login(tx: Tx, coach_id: int | None, password: str, code: str, now: datetime) -> int | None:
    """The coach id when password and code are right (the code's step is used up); None otherwise.
    The password is hashed even without an account, so the answer's timing tells nothing."""
    account = await web_accounts.account(tx, coach_id) if coach_id is not None else None
    if account is None:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(account.password_hash, password):
        return None
    step = totp_step(account.totp_secret, code, now)
    if step is None or not await web_accounts.use_totp_step(tx, account.coach_id, step):
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        await web_accounts.set_password_hash(tx, account.coach_id, hash_password(password))
    return account.coach_id


_DUMMY_HASH = hash_password("no account has this password")
