"""Queueing plain messages in the outbox, for the tests of the outbox and of the worker that empties it."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import outbox
from storage.database import Tx

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def put(
    tx: Tx,
    chat: int,
    text: str,
    *,
    participant_id: int | None = None,
    at: datetime = NOW,
    answer: bool = False,
    crisis: bool = False,
    scope: str | None = None,
) -> int:
    """Queue `text` for `chat` without buttons or attachment, due from `at` (and queued then)."""
    return await outbox.enqueue(
        tx,
        chat_id=chat,
        participant_id=participant_id,
        text=text,
        buttons=[],
        attachment=None,
        not_before=at,
        now=at,
        answer=answer,
        crisis=crisis,
        scope=scope,
    )
