"""The conversation engine: an event goes in, replies and storage changes come out in one transaction.

The engine knows nothing of Telegram or the terminal. A transport turns what arrives into an `Event`,
calls `handle`, and the outbox delivers what was written. A redelivered update (same `update_id`) is
recognised inside the same transaction and changes nothing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dialogs.core import intake
from dialogs.core.actions import Action
from dialogs.core.clock import Clock
from dialogs.core.config import EngineConfig
from dialogs.core.due_rows import run_due
from dialogs.core.events import SOS_TOKEN, Event, EventKind
from dialogs.core.flow import Standing, closed, show_current
from dialogs.core.i18n import N_
from dialogs.core.intake import StrangerLimit
from dialogs.core.registry import Registry
from dialogs.core.sanitize import clean, too_long
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.crisis.detection import is_crisis_input
from dialogs.crisis.words import find_crisis, find_distress
from storage import buttons, checkpoints, due, participants, updates
from storage.database import Database, unavailable
from storage.participants import Status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handled:
    """`redeliver`: the database could not store the update (locked, disk full); nothing of it was kept
    or said, and the transport must leave it with Telegram so it is delivered again."""

    outbox_ids: list[int] = field(default_factory=list)
    duplicate: bool = False
    failed: bool = False
    redeliver: bool = False
    refused: bool = False  # an intake limit (dialogs/core/intake.py): not handled, nothing stored


NOT_STORED = Handled(failed=True, redeliver=True)


class _Refused(Exception):
    """An intake limit turned the update away (dialogs/core/intake.py)."""


class Engine:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: EngineConfig,
        registry: Registry,
        on_enqueued: Callable[[bool], None] | None = None,
    ) -> None:
        """`registry`: what can be routed to (`dialogs.features.REGISTRY`). `on_enqueued(answers)` is told
        when messages were queued, and whether they answer a person."""
        self.db = db
        self.clock = clock
        self.config = config
        self.registry = registry
        self._on_enqueued = on_enqueued
        self.strangers = StrangerLimit(config)

    async def handle(self, event: Event) -> Handled:
        now = self.clock.now()
        crisis = is_crisis_input(event)
        limited = event.update_id is not None  # from Telegram; the console's typed lines are not limited
        if limited and not crisis and self.strangers.refused(event.chat_id, now):
            log.debug("update %s not handled: a stranger's allowance is used up", event.update_id)
            return Handled(refused=True)
        try:
            async with self.db.transaction() as tx:
                if event.update_id is not None and not await updates.claim(tx, event.update_id, now):
                    log.info("duplicate update %s ignored", event.update_id)
                    return Handled(duplicate=True)
                refusal = await intake.refusal(tx, event.chat_id, crisis, self.config) if limited else None
                if refusal is not None:
                    raise _Refused(refusal)  # rolls the claim back: nothing of it is stored
                turn = await Turn.open(tx, event, now, self.config, self.registry)
                await route(turn)
                ids = await turn.finish()
                pseudonym = (
                    turn.participant.pseudonym
                    if turn.participant
                    else f"coach {turn.coach.id}"
                    if turn.coach
                    else "-"
                )
        except _Refused as refusal:
            log.debug("update %s not handled: %s", event.update_id, refusal)
            return Handled(refused=True)
        except Exception as exc:
            if unavailable(exc):
                return self._not_stored(event, exc)
            log.error(
                "handling a %s event failed (%s)\n%s",
                event.kind,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            try:
                return await self._apologise(event)
            except Exception as again:
                if unavailable(again):
                    return self._not_stored(event, again)
                raise
        log.info("handled %s for %s, %d replies", event.kind, pseudonym, len(ids))
        if limited and turn.participant is None and turn.coach is None and turn.conversation is None:
            self.strangers.answered(event.chat_id, now)
        else:
            self.strangers.known(event.chat_id)
        if turn.erased and not await checkpoints.settle(self.db):
            log.warning("a reader holds the database log; the checkpoint after erasure is retried later")
        self._wake(ids, answers=True)
        return Handled(outbox_ids=ids)

    async def handle_due(self, items: Sequence[tuple[int, int]]) -> int:
        """Due rows `(chat_id, due_id)` found by the sweep, several in one transaction.

        Each row runs in its own savepoint, so a row's settlement and its messages still commit together,
        and a row whose handler fails is rolled back alone: it is cancelled and logged instead of being
        retried every sweep (and nobody gets an apology for a message they did not ask for). Returns how
        many rows were handled without failure.
        """
        now = self.clock.now()
        ids: list[int] = []
        failed = 0
        async with self.db.transaction() as tx:
            for chat_id, due_id in items:
                await tx.execute("SAVEPOINT due_row")
                try:
                    turn = await Turn.open(
                        tx, Event(chat_id, EventKind.DUE, due_id=due_id), now, self.config, self.registry
                    )
                    await route(turn)
                    ids.extend(await turn.finish())
                except Exception as exc:
                    await tx.execute("ROLLBACK TO due_row")
                    await due.settle(tx, due_id, "cancelled", now)
                    failed += 1
                    log.error(
                        "due row %s failed (%s) and was cancelled\n%s",
                        due_id,
                        type(exc).__name__,
                        "".join(traceback.format_tb(exc.__traceback__)),
                    )
                finally:
                    await tx.execute("RELEASE due_row")
        log.debug("handled %d due rows, %d replies", len(items), len(ids))
        self._wake(ids, answers=False)
        return len(items) - failed

    @staticmethod
    def _not_stored(event: Event, exc: Exception) -> Handled:
        """A database failure, not a bug: no apology (it could not be stored either), and the update is
        left to be delivered again, when it is handled as if for the first time."""
        log.error(
            "the database could not store a %s event (%s: %s); it is left to be delivered again",
            event.kind,
            type(exc).__name__,
            exc,
        )
        return NOT_STORED

    async def _apologise(self, event: Event) -> Handled:
        """Something broke: the person still gets a kind answer, and the update is not replayed forever."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            if event.update_id is not None:
                await updates.claim(tx, event.update_id, now)
            turn = await Turn.open(tx, event, now, self.config, self.registry)
            turn.say(
                turn.tr(
                    "Sorry, something went wrong on my side. Please try again in a moment. "
                    "In a crisis, write /sos."
                )
            )
            ids = await turn.finish()
        self._wake(ids, answers=True)
        return Handled(outbox_ids=ids, failed=True)

    def _wake(self, ids: list[int], answers: bool) -> None:
        if ids and self._on_enqueued is not None:
            self._on_enqueued(answers)


async def _alarming_words(turn: Turn, text: str) -> bool:
    """Crisis words bring the card; distress words (not a coach's) a warm answer. Whether it answered."""
    hooks = turn.registry.hook
    if find_crisis(text) is not None:
        await hooks.crisis_words(turn, text)
    elif hooks.distress_words and standing_of(turn) is not Standing.COACH and find_distress(text):
        await hooks.distress_words(turn, text)
    else:
        return False
    return True


async def route(turn: Turn) -> None:
    event = turn.event
    if event.kind is EventKind.DUE:
        await run_due(turn)
        return
    if turn.coach is not None and not turn.coach.active and not _reenrolling(turn):
        turn.say(turn.tr(NO_ACCESS))  # a removed coach: neutral, whatever they send
        return
    if (
        turn.participant is not None
        and turn.participant.status is Status.UNREACHABLE
        and await participants.mark_reachable(turn.tx, turn.participant.id, turn.now)
    ):
        # An unreachable participant wrote to us, so messages reach them again (someone who stopped
        # stays stopped: that takes /start and their consent).
        turn.participant = await participants.by_id(turn.tx, turn.participant.id)
    if event.kind is EventKind.UNSUPPORTED:
        await _unsupported(turn)
        return
    text = clean(event.text)
    if event.kind is EventKind.TEXT and await _alarming_words(turn, text):
        return
    if event.kind is EventKind.TEXT and too_long(text):
        turn.say(turn.tr("Your message is too long for me. Please write a shorter one."))
        await show_current(turn)
        return
    if event.kind is EventKind.COMMAND:
        await run_command(turn, event.command, text)
        return
    if event.kind is EventKind.CHOICE:
        await _choice(turn)
        return
    if standing_of(turn) is Standing.COACH:
        await turn.registry.hook.coach_text(turn, text)
        return
    if standing_of(turn) is Standing.STOPPED and turn.flow != "consent":
        turn.registry.hook.stopped(turn)
        return
    if turn.participant is None and turn.conversation is None:
        turn.say(turn.tr(turn.registry.hook.need_invitation))
        return
    if await turn.registry.hook.consent_renewal(turn):
        return
    if turn.conversation is None or turn.conversation.flow not in turn.registry.flows:
        await turn.registry.hook.home(turn)
        return
    if not text:
        turn.say(turn.tr("I could not read that message. Please use the buttons or write a few words."))
        await show_current(turn)
        return
    await turn.registry.flow(turn.conversation.flow).on_text(turn, text)


async def run_command(turn: Turn, name: str, args: str) -> None:
    spec = turn.registry.commands.get(name.lower())
    standing = standing_of(turn)
    if spec is None:
        turn.say(
            turn.tr("I do not know the command /{name}. Write /help to see what I can do.", name=name[:32])
        )
        if standing is Standing.STRANGER:
            return
        await show_current(turn)
        return
    if standing not in spec.standings:
        await _not_now(turn, standing)
        return
    if (
        standing is Standing.ACTIVE
        and name not in RENEWAL_EXEMPT
        and await turn.registry.hook.consent_renewal(turn)
    ):
        return
    await spec.handler(turn, args)


NO_ACCESS = N_("This chat has no access to the companion.")


def _reenrolling(turn: Turn) -> bool:
    """A removed coach's chat may open a new coach code (the administrator added them again)."""
    return (
        turn.event.kind is EventKind.COMMAND
        and turn.event.command == "start"
        and bool(turn.event.text.strip())
    )


# Commands that work even while a changed consent text waits to be read: help and data rights.
RENEWAL_EXEMPT = frozenset({"help", "sos", "stop", "delete", "mydata", "start"})
# A button that runs a command (`cmd:sos`, the main menu's entries).
COMMAND_ACTION = "cmd"
# Crisis buttons ("please contact me") work before anything else, a changed consent text included.
CRISIS_ACTION = "crisis"


async def _not_now(turn: Turn, standing: Standing) -> None:
    if standing is Standing.STRANGER:
        turn.say(turn.tr(turn.registry.hook.need_invitation))
    elif standing is Standing.ENROLLING:
        turn.say(turn.tr("Let us finish setting up first."))
        await show_current(turn)
    elif standing is Standing.STOPPED:
        turn.say(
            turn.tr("You have stopped taking part, so I cannot do that now. Write /start to take part again.")
        )
    elif standing is Standing.COACH:
        turn.say(turn.tr("That is for participants. /help shows what you can do as a coach."))
        await show_current(turn)
    else:
        turn.say(turn.tr("That is not possible right now."))
        await show_current(turn)


async def _choice(turn: Turn) -> None:
    if turn.event.token == SOS_TOKEN:
        await run_command(turn, "sos", "")
        return
    token = await buttons.lookup(turn.tx, turn.event.token) if turn.event.token else None
    valid = (
        token is not None
        and token.chat_id == turn.chat_id
        and token.expires_at > turn.now
        and (
            token.nonce is None or (turn.conversation is not None and token.nonce == turn.conversation.nonce)
        )
    )
    if not valid or token is None:
        await closed(turn)
        return
    action = Action.parse(token.action)
    if action.name == COMMAND_ACTION:
        await run_command(turn, action.arg(), "")
        return
    if action.name != CRISIS_ACTION and await turn.registry.hook.consent_renewal(turn):
        return
    if token.nonce is None:
        lasting = turn.registry.buttons.get(action.name)
        if turn.participant is not None and turn.participant.status is not Status.ACTIVE:
            # A lasting button from before /stop: a question that is closed, and nothing is stored.
            # Crisis buttons are never closed: they show the help again.
            await (turn.registry.hook.crisis_card if action.name == CRISIS_ACTION else closed)(turn)
            return
        if lasting is not None and (turn.participant is not None or turn.coach is not None):
            await lasting.handler(turn, action)
            return
    elif turn.conversation is not None and turn.conversation.flow in turn.registry.flows:
        await turn.registry.flow(turn.conversation.flow).on_choice(turn, action)
        return
    await closed(turn)


async def _unsupported(turn: Turn) -> None:
    kind = turn.event.unsupported
    if kind == "group":
        turn.say(turn.tr("I only talk in private chats. Please write to me directly."))
        return
    if kind == "edited":
        turn.say(turn.tr("I cannot read changed messages. Please send it again as a new message."))
    else:
        turn.say(turn.tr("I can only read text and buttons. Please tap a button or write a few words."))
    if turn.participant is None and turn.conversation is None:
        return
    await show_current(turn)
