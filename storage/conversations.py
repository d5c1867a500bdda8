"""Where each chat is in its conversation, so a restart resumes at the same question."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.database import Tx
from storage.times import to_db


@dataclass
class Conversation:
    chat_id: int
    participant_id: int | None
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    nonce: int = 0


async def load(tx: Tx, chat_id: int) -> Conversation | None:
    row = await tx.one("SELECT * FROM conversations WHERE chat_id = ?", (chat_id,))
    if row is None:
        return None
    return Conversation(
        row["chat_id"], row["participant_id"], row["flow"], row["step"], json.loads(row["data"]), row["nonce"]
    )


async def save(tx: Tx, conv: Conversation, now: datetime) -> None:
    """Written with the transaction's next statement (nothing waits for it)."""
    tx.later(
        "INSERT INTO conversations (chat_id, participant_id, flow, step, data, nonce, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
        " participant_id = excluded.participant_id, flow = excluded.flow, step = excluded.step,"
        " data = excluded.data, nonce = excluded.nonce, updated_at = excluded.updated_at",
        (
            conv.chat_id,
            conv.participant_id,
            conv.flow,
            conv.step,
            json.dumps(conv.data, ensure_ascii=False),
            conv.nonce,
            to_db(now),
        ),
    )


async def delete(tx: Tx, chat_id: int) -> None:
    await tx.execute("DELETE FROM conversations WHERE chat_id = ?", (chat_id,))


async def purge_idle(tx: Tx, before: datetime) -> int:
    """Conversation state untouched since `before`: a stranger's (an enrolment never finished) is deleted,
    a participant's open question or draft is reset to the menu (they see the menu next time). Coaches'
    chats hold staff state, not a participant's: left as they are. Returns the rows changed."""
    cutoff = to_db(before)
    deleted = await tx.execute(
        "DELETE FROM conversations WHERE participant_id IS NULL AND updated_at < ?"
        " AND chat_id NOT IN (SELECT chat_id FROM coaches WHERE chat_id IS NOT NULL)",
        (cutoff,),
    )
    reset = await tx.execute(
        "UPDATE conversations SET flow = 'menu', step = 'idle', data = '{}', nonce = nonce + 1"
        " WHERE participant_id IS NOT NULL AND updated_at < ? AND (flow != 'menu' OR data != '{}')",
        (cutoff,),
    )
    return deleted + reset
