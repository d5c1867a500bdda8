"""Free text at rest: sealed with Fernet (AES-128-CBC + HMAC-SHA256) under keys that can rotate.

Keys come from the settings, newest first. The newest seals; every configured key can open, so a new
key can be put in front while rows sealed under older keys are still read, and `rotate` re-seals a row
under the newest key (`companion keys rotate` does that for every stored row).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealError(Exception):
    """A sealed value cannot be opened with any configured key (or no key is configured)."""


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def check_key(key: str) -> None:
    """Raise ValueError for anything that is not a Fernet key (32 url-safe base64-encoded bytes)."""
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValueError("not a valid key; make one with `companion keys new`") from exc


class Sealer:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SealError("no encryption key is configured")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    def seal(self, text: str) -> bytes:
        return self.seal_bytes(text.encode("utf-8"))

    def open(self, token: bytes) -> str:
        return self.open_bytes(token).decode("utf-8")

    def seal_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise SealError("sealed with a key that is not configured") from exc

    def rotate(self, token: bytes) -> bytes:
        """The same text sealed under the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise SealError("sealed with a key that is not configured") from exc


def open_or_none(sealer: Sealer | None, token: bytes) -> str | None:
    """The text, or None when no key is configured or none of them opens it (it is then never an error
    for the person reading: they are told it cannot be shown)."""
    if sealer is None:
        return None
    try:
        return sealer.open(token)
    except SealError:
        return None


@cache
def sealer_for(keys: tuple[str, ...]) -> Sealer | None:
    """The sealer for these keys, or None when none is configured (then free text is not asked for)."""
    return Sealer(keys) if keys else None
