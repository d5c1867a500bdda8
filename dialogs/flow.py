"""Flows (a conversation with steps) and commands, and the registries the engine routes through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from dialogs.consent_texts import CHECKINS
from dialogs.turn import Turn
from storage.due import DueItem


class Standing(Enum):
    """Where a chat stands with the programme; commands say in which of these they work."""

    STRANGER = "stranger"  # no invitation accepted yet, nothing stored
    ENROLLING = "enrolling"  # between a valid invitation and the last consent answer
    ACTIVE = "active"
    RENEWAL = "renewal"  # active, but a consent text changed and must be read again first
    STOPPED = "stopped"  # withdrew with /stop; data kept until /delete
    COACH = "coach"  # an enrolled coach's chat (a second kind of actor in the same engine)


# Every standing a participant (or someone becoming one) can be in; coach commands opt in with COACHES.
ALL_STANDINGS = frozenset(Standing) - {Standing.COACH}
PARTICIPANTS = frozenset({Standing.ACTIVE, Standing.STOPPED})
COACHES = frozenset({Standing.COACH})


class Flow:
    """A conversation with steps. Subclasses render the current step and react to answers."""

    name = ""
    takes_text = False  # True when a step waits for typed words (they reach on_text even with crisis words)

    async def show(self, turn: Turn) -> None:
        raise NotImplementedError

    async def on_choice(self, turn: Turn, action: str) -> None:
        await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        turn.say(turn.tr("Please tap one of the buttons below."))
        await self.show(turn)


FLOWS: dict[str, Flow] = {}


def flow(cls: type[Flow]) -> type[Flow]:
    FLOWS[cls.name] = cls()
    return cls


CommandHandler = Callable[[Turn, str], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    description: str  # msgid for the Telegram command menu and /help
    standings: frozenset[Standing]
    in_menu: bool = True


COMMANDS: dict[str, Command] = {}


def command(
    name: str, description: str, standings: frozenset[Standing] = PARTICIPANTS, in_menu: bool = True
) -> Callable[[CommandHandler], CommandHandler]:
    def register(handler: CommandHandler) -> CommandHandler:
        COMMANDS[name] = Command(name, handler, description, standings, in_menu)
        return handler

    return register


async def show_current(turn: Turn) -> None:
    """Show the question the chat is at again (after a help text, a closed button, odd input)."""
    if turn.conversation is not None and turn.conversation.flow in FLOWS:
        await FLOWS[turn.conversation.flow].show(turn)


async def closed(turn: Turn) -> None:
    """An old, foreign or forged button: say so kindly and show where the conversation is."""
    turn.say(turn.tr("This question is closed."))
    if turn.participant is None and turn.conversation is None:
        return
    await show_current(turn)


DueHandler = Callable[[Turn, DueItem], Awaitable[None]]
DUE_HANDLERS: dict[str, DueHandler] = {}
# The consent scope a participant's due row of each kind needs, at the sweep and again at sending.
DUE_SCOPES: dict[str, str] = {}


def on_due(kind: str, scope: str = CHECKINS) -> Callable[[DueHandler], DueHandler]:
    """Register what happens when a due row of this kind comes up. The handler runs inside the sweep's
    transaction; whatever it says goes to the outbox together with the row being settled as done.
    A participant's row runs only while they are active and `scope` is granted, and what it says is
    dropped at sending if that is no longer so (a coach's row has no participant scope)."""

    def register(handler: DueHandler) -> DueHandler:
        DUE_HANDLERS[kind] = handler
        DUE_SCOPES[kind] = scope
        return handler

    return register


ItemHandler = Callable[[Turn, str], Awaitable[None]]
SQLITE_DIGITS = 18  # any number this long fits SQLite's 64-bit integers


def item_number(text: str) -> int | None:
    """The number in a button action (`appt:12:yes`), or None when it is not one: ASCII digits only (not
    "²", which `isdigit` accepts and `int` refuses) and short enough for SQLite."""
    if not (text.isascii() and text.isdigit()) or len(text) > SQLITE_DIGITS:
        return None
    return int(text)


ITEM_HANDLERS: dict[str, ItemHandler] = {}


def on_item(prefix: str) -> Callable[[ItemHandler], ItemHandler]:
    """Register the handler for lasting buttons whose action is `prefix:...` (a reminder's answers, say).

    Lasting buttons (`Choice(..., lasting=...)`) stay valid whatever question the conversation is at; the
    handler gets the whole action string and must check that the item it names belongs to this participant
    and is still open (a forged or old action gets "this question is closed").
    """

    def register(handler: ItemHandler) -> ItemHandler:
        ITEM_HANDLERS[prefix] = handler
        return handler

    return register
