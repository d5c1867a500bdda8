"""Intake limits: one chat cannot make the bot slow for everyone.

Each update costs a transaction and each answer a second of that chat's sending time, so a chat that
writes faster than it can be answered would queue work for hours. Before an update is handled:

- crisis input (/sos, the help button, crisis words) is always handled, from any chat, unless a crisis
  card to that chat still waits in the outbox (one queued card is enough; the next comes once it is sent);
- a chat with `max_queued_replies` messages still queued gets nothing more until they are sent;
- a chat the bot does not know (no participant, coach or conversation) gets `stranger_answers` answers at
  once, then one per `stranger_interval_seconds`. This is counted in memory, so the flood leaves no trace
  in the database and costs no transaction; a restart forgets it, which costs at most one more answer.

A refused update is not handled and not recorded: nothing of it is stored. Should Telegram deliver it
again, it is decided afresh. The limits apply to updates from Telegram (those with an update id), not to
lines typed into `companion console`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.core import outgoing
from dialogs.core.config import EngineConfig
from storage.database import Tx

MAX_REMEMBERED = 10_000  # strangers counted at once; beyond that, those with a full allowance are forgotten


@dataclass
class _Allowance:
    answers: float
    at: datetime


class StrangerLimit:
    """Answers to chats the bot does not know: a small allowance that refills slowly (a token bucket)."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._chats: dict[int, _Allowance] = {}

    def _left(self, chat_id: int, now: datetime) -> float | None:
        allowance = self._chats.get(chat_id)
        if allowance is None:
            return None
        refill = (now - allowance.at).total_seconds() / self.config.stranger_interval_seconds
        return min(float(self.config.stranger_answers), allowance.answers + max(0.0, refill))

    def refused(self, chat_id: int, now: datetime) -> bool:
        left = self._left(chat_id, now)
        return left is not None and left < 1

    def answered(self, chat_id: int, now: datetime) -> None:
        """The chat, still unknown after its update, got an answer."""
        left = self._left(chat_id, now)
        self._chats[chat_id] = _Allowance((self.config.stranger_answers if left is None else left) - 1, now)
        if len(self._chats) > MAX_REMEMBERED:
            full = float(self.config.stranger_answers)
            for chat in [c for c in self._chats if self._left(c, now) == full]:
                del self._chats[chat]

    def known(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)


async def refusal(tx: Tx, chat_id: int, crisis: bool, config: EngineConfig) -> str | None:
    """Why this chat's update is not handled now (for the log), or None."""
    if crisis:
        return "a crisis card is still queued" if await outgoing.crisis_card_queued(tx, chat_id) else None
    limit = config.max_queued_replies
    if await outgoing.queued_for(tx, chat_id, limit) >= limit:
        return "replies are still queued"
    return None
