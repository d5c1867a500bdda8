"""Every handler, driven by hypothesis with whatever people, broken clients and time can produce.

The inputs come from the registries in `dialogs/flow.py` (commands of every standing, flows, lasting-button
prefixes, due kinds), so a handler added later is covered without touching this file. Several actors share
one world: a stranger, a person holding an unused invitation, one half-way through joining, one taking
part, one on a pause, one who stopped, a coach enrolled with their code and a coach who was removed.

After every input: nothing escaped the engine and no handler failed (the engine would have apologised);
the chat that wrote got at least one answer; every message queued obeys Telegram's limits. After every
example: the SQLite file passes `PRAGMA integrity_check` and `PRAGMA foreign_key_check`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from dialogs.clock import FakeClock
from dialogs.config import EngineConfig
from dialogs.engine import Engine, Outcome
from dialogs.events import SOS_TOKEN, Event, EventKind
from dialogs.flow import COMMANDS, DUE_HANDLERS, FLOWS, ITEM_HANDLERS, Standing
from dialogs.maintenance import run_daily
from storage import buttons, coaches, conversations, due, outbox
from storage.database import Database, Tx
from storage.outbox import TELEGRAM, OutboxMessage
from storage.sealing import new_key
from storage.times import from_db
from tests.dialogs.appointment_helpers import add
from tests.dialogs.coach_helpers import join, pseudonym_of
from tests.dialogs.test_enrolment import enrol
from tests.harness import START, Chat, World, world

T = TypeVar("T")
CONFIG = EngineConfig(encryption_keys=(new_key(),))

# The registries, read once the engine has imported every dialog module.
COMMAND_NAMES = sorted(COMMANDS)
COACH_COMMANDS = sorted(name for name, spec in COMMANDS.items() if Standing.COACH in spec.standings)
PARTICIPANT_COMMANDS = sorted(name for name, spec in COMMANDS.items() if Standing.ACTIVE in spec.standings)
FLOW_NAMES = sorted(FLOWS)
ITEM_PREFIXES = sorted(ITEM_HANDLERS)
DUE_KINDS = sorted(DUE_HANDLERS)

# Telegram's limits for what the bot sends.
TEXT_LIMIT = 4096  # UTF-16 code units, the way Telegram counts
CALLBACK_DATA_LIMIT = 64  # bytes
KEYBOARD_LIMIT = 100  # buttons in one inline keyboard

STRANGER, FRESH, ENROLLING, ENROLLED, PAUSED, STOPPED, COACH, REMOVED_COACH = (
    "stranger",
    "fresh",
    "enrolling",
    "enrolled",
    "paused",
    "stopped",
    "coach",
    "removed coach",
)
ACTORS = (STRANGER, FRESH, ENROLLING, ENROLLED, PAUSED, STOPPED, COACH, REMOVED_COACH)
CHAT_IDS = {name: 7001 + i for i, name in enumerate(ACTORS)}
GROUP_CHAT = -1001234567890
CODE = re.compile(r"/start (\S+)")
PSEUDONYM = re.compile(r"P-[0-9A-Z]{4}")


def test_the_registries_name_every_kind_of_handler() -> None:
    """If the registries were empty (a module no longer imported), the machine below would test nothing."""
    assert {"cases", "case", "invite", "alerts", "appointment"} <= set(COACH_COMMANDS)
    assert {"start", "help", "sos", "stop", "delete", "mydata", "privacy", "pause"} <= set(COMMAND_NAMES)
    assert {"start", "help", "sos"} <= set(COACH_COMMANDS) & set(PARTICIPANT_COMMANDS)
    assert {"menu", "consent", "privacy", "delete", "coach", "appointments"} <= set(FLOW_NAMES)
    assert {"ack", "appt", "checkin", "crisis", "orgscope"} <= set(ITEM_PREFIXES)
    assert {"checkin", "nudge", "lookback", "resume"} <= set(DUE_KINDS)
    every_standing = set().union(*(spec.standings for spec in COMMANDS.values()))
    assert every_standing == set(Standing)


# --- what arrives -------------------------------------------------------------------------------------

ODD_CHARACTERS = (
    "\x00\x01\x07\x1b\x7f\u0085"  # control characters
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
    "\ud7ff\ue000\uffff\U0010ffff"  # private use, noncharacters
    "👩‍👩‍👧🏳️‍🌈🆘❤️\u0301\u0308"  # emoji sequences, combining marks
    "بسمفارسیעבריתЖжİıß"  # right-to-left scripts, case-folding traps
    " \t\n\r/:@%{}"
)
texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=ODD_CHARACTERS, max_size=60),
    st.sampled_from(["", " ", "\n\t ", "\u202e\u200f\x01", "/", "//", "/ start", "@", "P-", "0", "-1"]),
    st.builds(
        lambda unit, n: unit * n,
        st.sampled_from(["x", "😀", "\u202e", "ب", " ", "/start "]),
        st.integers(4000, 4200),
    ),
    st.sampled_from(["9:30", "25:00", "31.02.", "3.12.", "2026-12-03", "10", "99999999999999999999", "1e9"]),
    # Digits that `str.isdigit` accepts: some `int` reads ("٣", "𝟗"), some it refuses ("²", "①").
    st.sampled_from(["²", "³", "①", "٣", "߂", "𝟗", "1²", "９:３０", "٣١.١٢."]),
    st.sampled_from(["I want to die", "ich will nicht mehr leben", "help", "Hilfe", "yes", "no", "stop"]),
)
command_names = st.one_of(
    st.sampled_from(COMMAND_NAMES),
    st.sampled_from(COMMAND_NAMES),
    st.sampled_from(COMMAND_NAMES).map(str.upper),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_@0123456789", max_size=40),
    st.text(max_size=70),
)
language_hints = st.one_of(
    st.sampled_from([None, "en", "de", "ar", "fa", "tr", "uk", "en-US", "pt-br", "zz", "", "x" * 40]),
    st.text(max_size=12),
)
callback_data = st.one_of(
    st.text(max_size=80),
    st.sampled_from([SOS_TOKEN, "SOS", "", " ", "cmd:help", "x" * 64]),
    st.builds(lambda prefix, rest: f"{prefix}:{rest}", st.sampled_from([*ITEM_PREFIXES, "cmd"]), st.text()),
)
suffixes = st.one_of(
    st.integers(-3, 40).map(str),
    st.integers(min_value=2**63).map(str),
    st.lists(
        st.one_of(st.integers(-1, 40).map(str), st.sampled_from(["yes", "no", "", "x"])), max_size=4
    ).map(":".join),
    st.text(max_size=30),
)
UNSUPPORTED = (
    "sticker",
    "photo",
    "voice",
    "video",
    "audio",
    "document",
    "location",
    "contact",
    "animation",
    "video_note",
    "other",
    "edited",
)


@dataclass
class Actor:
    chat_id: int
    tokens: list[list[str]] = field(default_factory=list)  # the buttons of each message received, in order
    offered: list[str] = field(default_factory=list)  # the buttons of the newest answer (none: no buttons)

    def current(self) -> list[str]:
        return next((line for line in reversed(self.tokens) if line), [])


# --- the world every example starts from -----------------------------------------------------------------


@dataclass
class Template:
    path: Path
    actors: dict[str, list[list[str]]]
    codes: list[str]  # every /start code anyone was shown or given
    texts: list[str]


_TEMPLATE: Template | None = None


async def _populate(w: World) -> tuple[dict[str, Chat], list[str]]:
    """Bring each actor to their standing through the real paths (codes, buttons, commands)."""
    coach = w.chat(CHAT_IDS[COACH])
    await coach.send("/start " + await w.coach_code(name="Anna Beispiel"))
    removed = w.chat(CHAT_IDS[REMOVED_COACH])
    await removed.send("/start " + await w.coach_code(name="Ben Beispiel"))
    joined = {name: await join(w, coach, CHAT_IDS[name]) for name in (ENROLLED, PAUSED, STOPPED)}
    # The enrolled one has daily check-ins, an appointment of their own, one proposed by the coach, and has
    # asked to be contacted (so the coach holds an alert with buttons): every lasting button exists.
    enrolled = joined[ENROLLED]
    await enrolled.tap("8:00")
    await enrolled.tap("No evening")
    await add(enrolled, "24.11.", "10:00", place="Praxis Dr. Beispiel", note="bring the letter")
    await coach.send("/appointment " + pseudonym_of(enrolled))
    await coach.tap("Job centre")
    await coach.send("3.12.")
    await coach.send("9:00")
    await coach.tap("Yes, propose it")
    await enrolled.send("/sos")
    await enrolled.tap("contact")
    await joined[PAUSED].send("/pause 3")
    await joined[STOPPED].send("/stop")
    enrolling = w.chat(CHAT_IDS[ENROLLING])
    await enrolling.send("/start " + await w.invitation())
    await enrolling.tap("English")
    fresh_code = await w.invitation()
    async with w.db.transaction() as tx:
        removed_coach = await coaches.by_chat(tx, CHAT_IDS[REMOVED_COACH])
        assert removed_coach is not None
        await coaches.remove(tx, removed_coach.id, w.clock.now())
    await coach.receive()
    chats = {COACH: coach, REMOVED_COACH: removed, ENROLLING: enrolling, **joined}
    return chats, [fresh_code, await w.coach_code(name="Cleo Beispiel")]  # unused: the fresh one's, a coach's


async def _build_template(folder: Path) -> Template:
    path = folder / "template.db"
    db = await Database.open(path)
    clock = FakeClock(START)
    w = World(db, clock, Engine(db, clock, CONFIG), path)
    try:
        chats, codes = await _populate(w)
    finally:
        await db.close()
    actors = {
        name: [[token for line in shown.buttons for _, token in line] for shown in chat.seen]
        for name, chat in chats.items()
    }
    return Template(path, actors, codes, [shown.text for chat in chats.values() for shown in chat.seen])


def template() -> Template:
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="companion-hostile-"))
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whether or not one runs here
            _TEMPLATE = thread.submit(asyncio.run, _build_template(folder)).result()
    return _TEMPLATE


async def _drain(tx: Tx, clock: FakeClock) -> list[OutboxMessage]:
    """Take every message that may go now, as if Telegram delivered it."""
    taken: list[OutboxMessage] = []
    while batch := await outbox.due(tx, clock.now(), 10_000):
        for message in batch:
            await outbox.mark_sending(tx, message.id)
            await outbox.mark_sent(tx, message.id, clock.now())
        taken.extend(batch)
    return taken


def obeys_telegram_limits(message: OutboxMessage) -> None:
    if message.kind != TELEGRAM:
        json.loads(message.text)  # a webhook body
        return
    assert message.text.strip() or message.attachment is not None, f"empty message: {message!r}"
    assert len(message.text.encode("utf-16-le")) // 2 <= TEXT_LIMIT, f"{len(message.text)} characters"
    labels = [label for line in message.buttons for label, _ in line]
    assert len(labels) <= KEYBOARD_LIMIT
    for line in message.buttons:
        assert line, "an empty row of buttons"
        for label, token in line:
            assert label.strip(), f"a button without a label in {message.text!r}"
            assert 0 < len(token.encode()) <= CALLBACK_DATA_LIMIT, token


# --- the machine ---------------------------------------------------------------------------------------


class Session:
    """A copy of the prepared world, and the checks every input and every sweep must pass."""

    def __init__(self, folder: Path) -> None:
        base = template()
        self.path = folder / "companion.db"
        with sqlite3.connect(base.path) as source, sqlite3.connect(self.path) as target:
            source.backup(target)
        self.clock = FakeClock(START)
        self.actors = {
            name: Actor(CHAT_IDS[name], [list(t) for t in base.actors.get(name, [])]) for name in ACTORS
        }
        self.codes = [*base.codes, *(code for text in base.texts for code in CODE.findall(text))]
        self.pseudonyms = [found for text in base.texts for found in PSEUDONYM.findall(text)]
        self.sent: list[Event] = []
        self.update_id = 1000

    async def open(self) -> None:
        self.db = await Database.open(self.path)
        self.engine = Engine(self.db, self.clock, CONFIG)

    async def close(self) -> None:
        try:
            async with self.db.read() as tx:
                assert await tx.scalar("PRAGMA integrity_check") == "ok"
                assert await tx.all("PRAGMA foreign_key_check") == []
        finally:
            await self.db.close()

    def event(self, actor: str, kind: EventKind, hint: str | None = "en", **fields: str) -> Event:
        self.update_id += 1
        made = Event(CHAT_IDS[actor], kind, language_hint=hint, update_id=self.update_id, **fields)
        self.sent.append(made)
        return made

    async def deliver(self, event: Event) -> Outcome:
        """Every input goes through here: nothing escapes, no handler fails, the chat gets an answer."""
        outcome = await self.engine.handle(event)
        assert not outcome.failed, f"a handler failed on {event!r} (see the log)"
        async with self.db.read() as tx:
            rows = await tx.all(
                f"SELECT chat_id FROM outbox WHERE id IN ({','.join('?' * len(outcome.outbox_ids))})",
                outcome.outbox_ids,
            )
        if outcome.duplicate:
            assert not outcome.outbox_ids
        elif event.kind is not EventKind.DUE:
            assert any(row["chat_id"] == event.chat_id for row in rows), f"no answer to {event!r}"
        await self.receive()
        return outcome

    async def receive(self) -> None:
        async with self.db.transaction() as tx:
            taken = await _drain(tx, self.clock)
        for message in taken:
            obeys_telegram_limits(message)
            self.codes.extend(CODE.findall(message.text))
            self.pseudonyms.extend(PSEUDONYM.findall(message.text))
        for actor in self.actors.values():
            mine = [
                [token for line in m.buttons for _, token in line]
                for m in taken
                if m.chat_id == actor.chat_id
            ]
            if mine:
                actor.tokens.extend(mine)
                actor.offered = next((tokens for tokens in reversed(mine) if tokens), [])

    async def sweep(self, *, daily: bool = False) -> None:
        """The scheduler's sweep (and perhaps the daily upkeep) at the current time."""
        if daily:
            await run_daily(self.db, self.clock.now(), CONFIG)
        async with self.db.read() as tx:
            items = await due.pending_due(tx, self.clock.now(), 10_000)
        handled = await self.engine.handle_due([(item.chat_id, item.id) for item in items])
        assert handled == len(items), "a due handler failed (see the log)"
        await self.receive()

    async def next_due(self, late: timedelta) -> None:
        """Move the clock to the next due row (plus `late`) and sweep."""
        async with self.db.read() as tx:
            first = await tx.scalar("SELECT MIN(due_at) FROM due WHERE status = 'pending'")
        if first is not None:
            self.clock.set(max(self.clock.now(), from_db(str(first)) + late))
        await self.sweep()

    async def mint(self, actor: str, action: str, *, bound: bool) -> str:
        """A token the server maps to `action`: a lasting one, or one bound to the current question."""
        async with self.db.transaction() as tx:
            nonce = None
            if bound:
                current = await conversations.load(tx, CHAT_IDS[actor])
                nonce = current.nonce if current is not None else None
            return await buttons.mint(
                tx,
                chat_id=CHAT_IDS[actor],
                nonce=nonce,
                action=action,
                now=self.clock.now(),
                ttl=timedelta(days=1),
            )

    async def actions(self) -> list[str]:
        async with self.db.read() as tx:
            rows = await tx.all("SELECT DISTINCT action FROM button_tokens ORDER BY action")
        return [str(row["action"]) for row in rows]

    async def state_of(self, actor: str) -> tuple[str, str]:
        """The flow and step the actor's conversation is at (a step's parameter after ":" left out)."""
        async with self.db.read() as tx:
            current = await conversations.load(tx, CHAT_IDS[actor])
        return (current.flow, current.step.split(":")[0]) if current is not None else ("", "")


class EveryHandler(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory()
        self.session = Session(Path(self.folder.name))
        self.loop.run_until_complete(self.session.open())

    def teardown(self) -> None:
        try:
            self.loop.run_until_complete(self.session.close())
        finally:
            self.loop.close()
            self.folder.cleanup()

    def deliver(self, actor: str, kind: EventKind, hint: str | None = "en", **fields: str) -> Outcome:
        return self.loop.run_until_complete(
            self.session.deliver(self.session.event(actor, kind, hint, **fields))
        )

    def run(self, step: Awaitable[T]) -> T:
        return self.loop.run_until_complete(step)

    # Rules: what people and clients send.

    @rule(actor=st.sampled_from(ACTORS), text=texts, hint=language_hints)
    def write(self, actor: str, text: str, hint: str | None) -> None:
        self.deliver(actor, EventKind.TEXT, hint, text=text)

    @rule(actor=st.sampled_from(ACTORS), name=command_names, args=st.one_of(texts, st.integers().map(str)))
    def command(self, actor: str, name: str, args: str) -> None:
        self.deliver(actor, EventKind.COMMAND, command=name, text=args)

    @rule(actor=st.sampled_from(ACTORS), name=st.sampled_from(COMMAND_NAMES), data=st.data())
    def command_about_someone(self, actor: str, name: str, data: st.DataObject) -> None:
        """A registered command with a real pseudonym or code as its argument (/case P-XXXX, /start CODE)."""
        known = [*self.session.pseudonyms, *self.session.codes]
        self.deliver(actor, EventKind.COMMAND, command=name, text=data.draw(st.sampled_from(known)))

    @rule(actor=st.sampled_from(ACTORS), data=callback_data)
    def forged_button(self, actor: str, data: str) -> None:
        self.deliver(actor, EventKind.CHOICE, token=data)

    @rule(actor=st.sampled_from(ACTORS), data=st.data())
    def someone_elses_or_an_old_button(self, actor: str, data: st.DataObject) -> None:
        # In the order they came (tokens are random: sorting them would make the examples irreproducible).
        seen = list(dict.fromkeys(t for a in self.session.actors.values() for line in a.tokens for t in line))
        self.deliver(actor, EventKind.CHOICE, token=data.draw(st.sampled_from(seen)))

    @rule(actor=st.sampled_from(ACTORS), presses=st.lists(st.integers(0, 99), min_size=1, max_size=8))
    def tap_through(self, actor: str, presses: list[int]) -> None:
        """Press the buttons of the newest question, one after another: the way into every flow's steps."""
        for index in presses:
            current = self.session.actors[actor].current()
            if not current:
                return
            self.deliver(actor, EventKind.CHOICE, token=current[index % len(current)])

    @rule(actor=st.sampled_from(ACTORS), prefix=st.sampled_from(ITEM_PREFIXES), suffix=suffixes)
    def item_button_naming_anything(self, actor: str, prefix: str, suffix: str) -> None:
        """A lasting button whose item is old, foreign or never existed: the handler must check it."""
        token = self.run(self.session.mint(actor, f"{prefix}:{suffix}", bound=False))
        self.deliver(actor, EventKind.CHOICE, token=token)

    @rule(actor=st.sampled_from(ACTORS), data=st.data(), bound=st.booleans())
    def another_chats_action(self, actor: str, data: st.DataObject, bound: bool) -> None:
        """An action really minted for another chat (a reminder answer, a menu entry) pressed here."""
        action = data.draw(st.sampled_from(self.run(self.session.actions())))
        token = self.run(self.session.mint(actor, action, bound=bound))
        self.deliver(actor, EventKind.CHOICE, token=token)

    @rule(actor=st.sampled_from(ACTORS), kind=st.one_of(st.sampled_from(UNSUPPORTED), st.text(max_size=20)))
    def not_text(self, actor: str, kind: str) -> None:
        self.deliver(actor, EventKind.UNSUPPORTED, unsupported=kind)

    @rule(hint=language_hints)
    def a_command_in_a_group(self, hint: str | None) -> None:
        """The transport turns a command in a group into this event, and nothing else from groups."""
        self.session.update_id += 1
        group = Event(
            GROUP_CHAT,
            EventKind.UNSUPPORTED,
            unsupported="group",
            language_hint=hint,
            update_id=self.session.update_id,
        )
        self.run(self.session.deliver(group))

    @rule(data=st.data())
    def telegram_sends_an_update_again(self, data: st.DataObject) -> None:
        if self.session.sent:
            outcome = self.run(self.session.deliver(data.draw(st.sampled_from(self.session.sent))))
            assert outcome.duplicate

    @rule(late=st.one_of(st.integers(0, 29), st.integers(31, 60 * 24)))
    def the_next_promise_comes_due(self, late: int) -> None:
        """The clock moves to the next due row (a check-in, a reminder, a digest), in time or too late."""
        self.run(self.session.next_due(timedelta(minutes=late)))

    @rule(
        minutes=st.one_of(
            st.sampled_from([29, 31, 60 * 8, 60 * 24, 60 * 24 * 3 + 1, 60 * 24 * 31, 60 * 24 * 100]),
            st.integers(1, 60 * 24 * 14),
        ),
        daily=st.booleans(),
    )
    def time_passes(self, minutes: int, daily: bool) -> None:
        """The clock jumps and the scheduler's sweep (and perhaps the daily upkeep) runs."""
        self.session.clock.advance(timedelta(minutes=minutes))
        self.run(self.session.sweep(daily=daily))


TestEveryHandler = EveryHandler.TestCase
TestEveryHandler.settings = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "50")),
    stateful_step_count=25,
    deadline=None,
    # Each example copies a prepared database and runs ~20 engine turns: slow by hypothesis' standard.
    suppress_health_check=[HealthCheck.too_slow],
)


# Typed at every question the crawl below reaches: empty, digits `int` refuses, too long, bidi controls, a
# pseudonym that does not exist, impossible dates and times, a slash alone, crisis words.
BATTERY = (
    "",
    " ",
    "²",
    "①",
    "x" * 5000,
    "\u202e\u200f",
    "P-ZZZZ",
    "31.02.",
    "25:00",
    "/",
    "ich will sterben",
)


async def test_every_command_in_every_standing_and_every_button_it_offers(tmp_path: Path) -> None:
    """The same checks, deterministically over the registries: every actor sends every registered command
    (bare, with a real pseudonym, with an unused invitation code and with "²"), presses each button of the
    answer, and at each question reached for the first time types the battery above; then each due row
    comes and its first button is pressed. Every registered flow must have been entered this way, so a flow
    nobody can reach (or a registry left empty) fails here."""
    reached: set[tuple[str, str]] = set()
    typed_at: set[tuple[str, str]] = set()
    pressed_at: set[tuple[str, str, str]] = set()

    async def arrive(session: Session, actor: str) -> bool:
        """Type the battery at a question reached for the first time; True if this actor is new here."""
        state = await session.state_of(actor)
        reached.add(state)
        if state not in typed_at:
            typed_at.add(state)
            for text in BATTERY:
                await session.deliver(session.event(actor, EventKind.TEXT, text=text))
        new = (actor, *state) not in pressed_at
        pressed_at.add((actor, *state))
        return new

    for actor in ACTORS:
        for name in COMMAND_NAMES:
            session = await open_session(tmp_path / f"{actor}-{name}")
            try:
                for args in ("", session.pseudonyms[0], session.codes[0], "²"):
                    await session.deliver(session.event(actor, EventKind.COMMAND, command=name, text=args))
                    offered = len(session.actors[actor].offered)
                    if not await arrive(session, actor):
                        continue
                    for index in range(offered):
                        await session.deliver(
                            session.event(actor, EventKind.COMMAND, command=name, text=args)
                        )
                        again = session.actors[actor].offered
                        if index < len(again):
                            await session.deliver(session.event(actor, EventKind.CHOICE, token=again[index]))
                            await arrive(session, actor)
            finally:
                await session.close()
    session = await open_session(tmp_path / "due")
    try:
        for _ in range(12):
            await session.next_due(timedelta(0))
            for actor in ACTORS:
                if offered := session.actors[actor].offered:
                    await session.deliver(session.event(actor, EventKind.CHOICE, token=offered[0]))
                    await arrive(session, actor)
    finally:
        await session.close()
    entered = {flow for flow, _ in reached}
    assert set(FLOW_NAMES) <= entered, f"never entered: {sorted(set(FLOW_NAMES) - entered)}"


async def open_session(folder: Path) -> Session:
    folder.mkdir()
    session = Session(folder)
    await session.open()
    return session


# Found by the tests above, kept as plain examples.


async def test_a_superscript_digit_is_not_a_number_of_days(tmp_path: Path) -> None:
    """`"²".isdigit()` is true but `int("²")` fails: /pause answered with an apology instead of a question."""
    async with world(tmp_path) as w:
        chat = w.chat()
        await enrol(w, chat)
        shown = await chat.send("/pause ²")
        assert not chat.last_outcome.failed
        assert shown[0].text == "Please choose a number of days from 1 to 60."
        for typed in ("²", "①", "99999999999999999999999"):
            shown = await chat.send(typed)
            assert not chat.last_outcome.failed
            assert shown[-1].text.startswith("For how many days should I pause your check-ins?")
        await chat.send("٣")  # Arabic-Indic three: a real digit, but only ASCII digits are read as days
        assert not chat.last_outcome.failed


async def test_a_lasting_button_naming_a_number_beyond_sqlite_is_closed(tmp_path: Path) -> None:
    """An item action whose number does not fit SQLite's integers raised OverflowError in the handler."""
    async with world(tmp_path) as w:
        chat = w.chat()
        await enrol(w, chat)
        for prefix in ITEM_PREFIXES:
            for number in (str(2**63), "²", "0" * 40):
                async with w.db.transaction() as tx:
                    token = await buttons.mint(
                        tx,
                        chat_id=chat.chat_id,
                        nonce=None,
                        action=f"{prefix}:{number}:yes",
                        now=w.clock.now(),
                        ttl=timedelta(days=1),
                    )
                shown = await chat.press(token)
                assert not chat.last_outcome.failed, (prefix, number)
                assert shown[0].text == "This question is closed."
