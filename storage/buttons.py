"""Short random tokens that stand for a button's action, bound to one chat and one question.

Telegram allows 64 bytes of callback data and clients can send anything there, so the data is only a
lookup key: the action itself stays on the server, and a token from another chat, an old question or a
forged client resolves to nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import from_db, to_db

TOKEN_BYTES = 9  # 12 characters of base64url, 72 random bits


@dataclass(frozen=True)
class ButtonToken:
    token: str
    chat_id: int
    nonce: int | None
    action: str
    expires_at: datetime


async def mint(tx: Tx, *, chat_id: int, nonce: int | None, action: str, now: datetime, ttl: timedelta) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await tx.execute(
        "INSERT INTO button_tokens (token, chat_id, nonce, action, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (token, chat_id, nonce, action, to_db(now), to_db(now + ttl)),
    )
    return token


@dataclass(frozen=True)
class NewToken:
    chat_id: int
    nonce: int | None
    action: str
    ttl: timedelta


async def mint_many(tx: Tx, wanted: list[NewToken], now: datetime) -> list[str]:
    """`mint` for all buttons of a message in one statement; tokens in the order asked."""
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in wanted]
    tx.later(
        "INSERT INTO button_tokens (token, chat_id, nonce, action, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (token, new.chat_id, new.nonce, new.action, to_db(now), to_db(now + new.ttl))
            for token, new in zip(tokens, wanted, strict=True)
        ],
        many=True,
    )
    return tokens


async def lookup(tx: Tx, token: str) -> ButtonToken | None:
    row = await tx.one(
        "SELECT token, chat_id, nonce, action, expires_at FROM button_tokens WHERE token = ?", (token,)
    )
    if row is None:
        return None
    return ButtonToken(row["token"], row["chat_id"], row["nonce"], row["action"], from_db(row["expires_at"]))


async def forget_questions(tx: Tx, chat_id: int, keep_nonce: int) -> None:
    """Drop the tokens of earlier questions of this chat (item tokens stay until they expire)."""
    tx.later(
        "DELETE FROM button_tokens WHERE chat_id = ? AND nonce IS NOT NULL AND nonce != ?",
        (chat_id, keep_nonce),
    )


async def forget_action(tx: Tx, chat_id: int, action_prefix: str) -> None:
    """Drop item tokens whose action starts with a prefix (an answered reminder, say)."""
    await tx.execute(
        "DELETE FROM button_tokens WHERE chat_id = ? AND nonce IS NULL AND substr(action, 1, ?) = ?",
        (chat_id, len(action_prefix), action_prefix),
    )


async def forget_chat(tx: Tx, chat_id: int) -> None:
    await tx.execute("DELETE FROM button_tokens WHERE chat_id = ?", (chat_id,))


async def purge_expired(tx: Tx, now: datetime) -> int:
    return await tx.execute("DELETE FROM button_tokens WHERE expires_at <= ?", (to_db(now),))
