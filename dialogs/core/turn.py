"""One handled event: who is speaking, where their conversation is, and what the bot will say back.

Dialog code reads and changes the conversation through a `Turn` and queues replies with `say`. At the end
the engine calls `finish`, which mints button tokens for the question the conversation ended on, writes
the replies to the outbox and saves the conversation, all inside the event's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from dialogs.core import outgoing
from dialogs.core.config import EngineConfig
from dialogs.core.events import Choice, Event, EventKind, Reply
from dialogs.core.i18n import Translator
from dialogs.core.outgoing import SOS_ACTION
from dialogs.core.registry import EMPTY, Registry
from storage import buttons, coaches, conversations, participants
from storage.coaches import Coach
from storage.conversations import Conversation
from storage.database import Tx
from storage.outbox import Attachment
from storage.participants import Participant
from storage.sealing import sealer_for

QUESTION_TOKEN_TTL = timedelta(days=30)


@dataclass
class Turn:
    tx: Tx
    event: Event
    now: datetime
    config: EngineConfig
    participant: Participant | None
    conversation: Conversation | None
    tr: Translator
    coach: Coach | None = None  # the chat is a coach's (then `participant` is None)
    replies: list[Reply] = field(default_factory=list)
    outbox_ids: list[int] = field(default_factory=list)
    erased: bool = False  # the engine checkpoints the WAL so erased rows leave the disk
    registry: Registry = EMPTY
    scope: str | None = None  # a due row's consent scope: what it says to the participant needs it at sending
    _forgotten: bool = False

    @classmethod
    async def open(
        cls, tx: Tx, event: Event, now: datetime, config: EngineConfig, registry: Registry = EMPTY
    ) -> Turn:
        participant = await participants.by_chat(tx, event.chat_id)
        conversation = await conversations.load(tx, event.chat_id)
        coach = None if participant is not None else await coaches.by_chat(tx, event.chat_id)
        turn = cls(
            tx, event, now, config, participant, conversation, Translator("en"), coach, registry=registry
        )
        turn.retranslate()
        return turn

    @property
    def person(self) -> Participant:
        """The participant of this turn, for handlers that only participants reach (their commands'
        standings, their flows, their due rows); fails loudly if that promise is broken."""
        if self.participant is None:
            raise LookupError(f"no participant in chat {self.chat_id} for a participant's handler")
        return self.participant

    @property
    def chat_id(self) -> int:
        return self.event.chat_id

    @property
    def locale(self) -> str:
        if self.participant is not None:
            return self.participant.locale
        if self.coach is not None:
            return self.coach.locale
        if self.conversation is not None and "locale" in self.conversation.data:
            return str(self.conversation.data["locale"])
        return self.config.locale_for_hint(self.event.language_hint)

    @property
    def flow(self) -> str:
        return self.conversation.flow if self.conversation else ""

    @property
    def step(self) -> str:
        return self.conversation.step if self.conversation else ""

    @property
    def data(self) -> dict[str, Any]:
        return self.conversation.data if self.conversation else {}

    def retranslate(self) -> None:
        """Speak in the locale now in force (after a language choice, say)."""
        timezone = (
            self.participant.timezone
            if self.participant
            else self.coach.timezone
            if self.coach
            else self.config.default_timezone
        )
        self.tr = Translator(self.locale, self.config.fallback_locale, timezone)

    def say(
        self,
        text: str,
        choices: Sequence[Sequence[Choice]] = (),
        attachment: Attachment | None = None,
        *,
        crisis: bool = False,
    ) -> None:
        self.replies.append(
            Reply(
                chat_id=self.chat_id,
                participant_id=self.participant.id if self.participant else None,
                text=text,
                choices=tuple(tuple(line) for line in choices if line),
                attachment=attachment,
                crisis=crisis,
            )
        )

    def goto(self, flow: str, step: str, **data: Any) -> None:
        """Move to a new question; buttons of earlier questions stop working."""
        if self.conversation is None:
            self.conversation = Conversation(self.chat_id, None, flow, step, {})
        self.conversation.flow = flow
        self.conversation.step = step
        self.conversation.data.update(data)
        self.conversation.nonce += 1
        self._forgotten = False

    def reset(self, flow: str, step: str, **data: Any) -> None:
        """Like `goto`, but starts the conversation's data afresh."""
        if self.conversation is not None:
            self.conversation.data = {}
        self.goto(flow, step, **data)

    def forget_conversation(self) -> None:
        """End this chat's conversation entirely (erasure, a declined enrolment)."""
        self.conversation = None
        self._forgotten = True

    def attach_participant(self, participant: Participant) -> None:
        self.participant = participant
        if self.conversation is not None:
            self.conversation.participant_id = participant.id
        self.replies = [
            replace(r, participant_id=participant.id) if r.chat_id == participant.chat_id else r
            for r in self.replies
        ]

    async def finish(self) -> list[int]:
        """Persist conversation and replies; returns the outbox ids written."""
        if self._forgotten:
            await conversations.delete(self.tx, self.chat_id)
            await buttons.forget_chat(self.tx, self.chat_id)
        elif self.conversation is not None:
            await conversations.save(self.tx, self.conversation, self.now)
            await buttons.forget_questions(self.tx, self.chat_id, self.conversation.nonce)
        # A turn that shows the crisis card goes ahead of everything queued, its other replies to the
        # person included, so they still arrive in the order said.
        crisis = any(reply.crisis for reply in self.replies)
        for reply in self.replies:
            message_id = await outgoing.queue_message(
                self.tx,
                chat_id=reply.chat_id,
                participant_id=reply.participant_id,
                text=reply.text,
                choices=reply.choices,
                tokens=[
                    self._token_for(reply.chat_id, choice)
                    for line in reply.choices
                    for choice in line
                    if choice.action != SOS_ACTION
                ],
                attachment=reply.attachment,
                now=self.now,
                answer=self.event.kind is not EventKind.DUE and reply.chat_id == self.chat_id,
                sealer=sealer_for(self.config.encryption_keys),
                scope=self.scope if reply.participant_id is not None else None,
                crisis=crisis and reply.chat_id == self.chat_id,
            )
            self.outbox_ids.append(message_id)
        return self.outbox_ids

    def _token_for(self, chat_id: int, choice: Choice) -> buttons.NewToken:
        if choice.lasting is not None:
            return buttons.NewToken(chat_id, None, choice.action, choice.lasting)
        if self.conversation is None or chat_id != self.chat_id:
            # No conversation to bind to (a stranger, an erased chat): the button stands alone briefly.
            return buttons.NewToken(chat_id, None, choice.action, timedelta(hours=1))
        return buttons.NewToken(chat_id, self.conversation.nonce, choice.action, QUESTION_TOKEN_TTL)
