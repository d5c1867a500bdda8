"""What goes into the engine (events) and what a dialog asks for (replies with choices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from storage.outbox import Attachment


class EventKind(StrEnum):
    COMMAND = "command"  # `/name args`; `/start CODE` is the command "start" with args "CODE"
    TEXT = "text"
    CHOICE = "choice"  # a pressed button: its callback token
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, edited message, ...
    DUE = "due"  # the scheduler found a due row (check-in, nudge, reminder, ...): `due_id`


@dataclass(frozen=True)
class Event:
    chat_id: int
    kind: EventKind
    text: str = ""
    command: str = ""
    token: str = ""
    language_hint: str | None = None  # Telegram's language_code, for people not yet enrolled
    update_id: int | None = None  # None for the console and for internal events
    unsupported: str = ""  # what arrived instead of text: "sticker", "photo", "edited", ...
    due_id: int | None = None


# The crisis button's callback data is this fixed word, not a random token: the transports recognise it
# without a database, so the card comes even when storage is down. It does nothing but show help.
SOS_TOKEN = "sos"  # noqa: S105 (not a secret)


@dataclass(frozen=True)
class Choice:
    """A button. `action` stays on the server; the client only ever sees a random token.

    A choice belongs to the question it is shown with, unless `lasting` is set: then it stays valid for
    that long on its own (help and crisis buttons, reminder answers).
    """

    label: str
    action: str
    lasting: timedelta | None = None


@dataclass(frozen=True)
class Reply:
    chat_id: int
    participant_id: int | None
    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    attachment: Attachment | None = None
    extra: dict[str, str] = field(default_factory=dict)
    crisis: bool = False  # the crisis card: sent before every other message
