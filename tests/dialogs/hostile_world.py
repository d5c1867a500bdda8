"""A prepared world for hostile-input tests: several actors in every standing, one copy per example.

The world is built once per process through the real paths (codes, buttons, commands) and copied with
SQLite's backup API for each example, so an example starts in milliseconds. `Session` holds a copy and the
checks every input and every sweep must pass.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import re
import shutil
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from dialogs.core.clock import FakeClock
from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine, Handled
from dialogs.core.events import Event, EventKind
from dialogs.features import REGISTRY
from dialogs.privacy.upkeep import run_daily
from storage import buttons, coaches, conversations, due, outbox
from storage.database import Database, Tx
from storage.outbox import TELEGRAM, OutboxMessage
from storage.sealing import new_key, sealer_for
from storage.times import from_db
from tests.dialogs.appointment_helpers import add
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import START, Chat, World

# With a key, free text is asked for and stored sealed. Strangers are answered every time here: these
# worlds test what each input does, the limit on strangers' answers is tested in
# tests/dialogs/core/test_intake.py.
CONFIG = EngineConfig(encryption_keys=(new_key(),), stranger_answers=1_000_000)

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
    await coach.send("/appointment " + await known_as(w, coach, enrolled))
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
    w = World(db, clock, Engine(db, clock, CONFIG, REGISTRY), path)
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
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whether or not one runs here
            _TEMPLATE = thread.submit(asyncio.run, _build_template(folder)).result()
    return _TEMPLATE


async def _drain(tx: Tx, clock: FakeClock) -> list[OutboxMessage]:
    """Take every message that may go now, as if Telegram delivered it (opened, as the worker sends it)."""
    taken: list[OutboxMessage] = []
    sealer = sealer_for(CONFIG.encryption_keys)
    while batch := await outbox.due(tx, clock.now(), 10_000):
        for message in batch:
            await outbox.mark_sending(tx, message.id)
            await outbox.mark_sent(tx, message.id, clock.now())
            opened = outbox.opened(message, sealer)
            assert opened is not None, f"outbox {message.id} cannot be opened"
            taken.append(opened)
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
        self.sent: list[tuple[Event, datetime]] = []  # with the time each was first sent
        self.update_id = 1000

    async def open(self) -> None:
        self.db = await Database.open(self.path)
        self.engine = Engine(self.db, self.clock, CONFIG, REGISTRY)

    async def close(self) -> None:
        try:
            async with self.db.read() as tx:
                assert await tx.scalar("PRAGMA integrity_check") == "ok"
                assert await tx.all("PRAGMA foreign_key_check") == []
        finally:
            await self.db.close()

    def event(
        self,
        actor: str,
        kind: EventKind,
        hint: str | None = "en",
        *,
        text: str = "",
        command: str = "",
        token: str = "",
        unsupported: str = "",
    ) -> Event:
        """What a chat sends, numbered as Telegram numbers updates."""
        self.update_id += 1
        made = Event(
            CHAT_IDS[actor],
            kind,
            text=text,
            command=command,
            token=token,
            unsupported=unsupported,
            language_hint=hint,
            update_id=self.update_id,
        )
        self.sent.append((made, self.clock.now()))
        return made

    async def deliver(self, event: Event) -> Handled:
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
        return await self.state_of_chat(CHAT_IDS[actor])

    async def state_of_chat(self, chat_id: int) -> tuple[str, str]:
        async with self.db.read() as tx:
            current = await conversations.load(tx, chat_id)
        return (current.flow, current.step.split(":")[0]) if current is not None else ("", "")


async def open_session(folder: Path) -> Session:
    folder.mkdir()
    session = Session(folder)
    await session.open()
    return session
