"""Every handler, driven by hypothesis with whatever people, broken clients and time can produce.

The inputs come from the registry in `dialogs/features.py` (commands of every standing, flows,
lasting-button names, due kinds), so a handler added later is covered without touching this file. Several
actors share one world: a stranger, a person holding an unused invitation, one half-way through joining,
one taking part, one on a pause, one who stopped, a coach enrolled with their code and a coach who was
removed.

After every input: nothing escaped the engine and no handler failed (the engine would have apologised);
the chat that wrote got at least one answer; every message queued obeys Telegram's limits. After every
example: the SQLite file passes `PRAGMA integrity_check` and `PRAGMA foreign_key_check`.

`HOSTILE_EXAMPLES=1000 uv run pytest tests/dialogs/core/test_every_handler_property.py` hunts longer than the
default run does.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from dialogs.core.engine import Handled
from dialogs.core.events import SOS_TOKEN, Event, EventKind
from dialogs.core.flow import Standing
from dialogs.features import REGISTRY
from storage import buttons
from tests.dialogs.enrolment_helpers import enrol
from tests.dialogs.hostile_world import ACTORS, GROUP_CHAT, Session, open_session
from tests.harness import World

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

T = TypeVar("T")
TELEGRAM_KEEPS_UPDATES = timedelta(hours=24)
# The registries, read once the engine has imported every dialog module.
COMMAND_NAMES = sorted(REGISTRY.commands)
COACH_COMMANDS = sorted(name for name, spec in REGISTRY.commands.items() if Standing.COACH in spec.standings)
PARTICIPANT_COMMANDS = sorted(
    name for name, spec in REGISTRY.commands.items() if Standing.ACTIVE in spec.standings
)
FLOW_NAMES = sorted(REGISTRY.flows)
ITEM_PREFIXES = sorted(REGISTRY.buttons)
DUE_KINDS = sorted(REGISTRY.due)


def test_the_registries_name_every_kind_of_handler() -> None:
    """If the registries were empty (a module no longer imported), the machine below would test nothing."""
    assert {"cases", "case", "invite", "alerts", "appointment"} <= set(COACH_COMMANDS)
    assert {"start", "help", "sos", "stop", "delete", "mydata", "privacy", "pause"} <= set(COMMAND_NAMES)
    assert {"start", "help", "sos"} <= set(COACH_COMMANDS) & set(PARTICIPANT_COMMANDS)
    assert {"menu", "consent", "privacy", "delete", "coach", "appointments"} <= set(FLOW_NAMES)
    assert {"ack", "appt", "checkin", "crisis", "orgscope"} <= set(ITEM_PREFIXES)
    assert {"checkin", "nudge", "lookback", "resume"} <= set(DUE_KINDS)
    every_standing = set().union(*(spec.standings for spec in REGISTRY.commands.values()))
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
# What a person types inside a conversation: answers that move it on (a day, a time, a place, a number of
# days) and answers that must not (impossible dates, digits `int` refuses, too long, controls only).
answers = st.sampled_from(
    [
        "3.12.",
        "24.12.2026",
        "9:30",
        "14:45",
        "Praxis Dr. Beispiel",
        "7",
        "P-ZZZZ",
        "31.02.",
        "25:00",
        "²",
        "0",
        "x" * 5000,
        "\u202e\u200f",
        "",
    ]
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


# --- the machine ---------------------------------------------------------------------------------------


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

    def deliver(self, actor: str, kind: EventKind, hint: str | None = "en", **fields: str) -> Handled:
        return self.run(self.session.deliver(self.session.event(actor, kind, hint, **fields)))

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

    @rule(
        actor=st.sampled_from(ACTORS),
        moves=st.lists(st.one_of(st.integers(0, 99), st.integers(0, 99), answers), min_size=1, max_size=10),
    )
    def tap_through(self, actor: str, moves: list[int | str]) -> None:
        """Press the buttons of the newest question one after another, typing now and then (sensible answers
        or odd ones): the way into every flow's steps, and odd text deep inside them."""
        for move in moves:
            if isinstance(move, str):
                self.deliver(actor, EventKind.TEXT, text=move)
                continue
            current = self.session.actors[actor].current()
            if current:
                self.deliver(actor, EventKind.CHOICE, token=current[move % len(current)])

    @rule(actor=st.sampled_from(ACTORS), prefix=st.sampled_from(ITEM_PREFIXES), suffix=suffixes)
    def item_button_naming_anything(self, actor: str, prefix: str, suffix: str) -> None:
        """A lasting button whose item is old, foreign or never existed: the handler must check it."""
        token = self.run(self.session.mint(actor, f"{prefix}:{suffix}", bound=False))
        self.deliver(actor, EventKind.CHOICE, token=token)

    @rule(actor=st.sampled_from(ACTORS), data=st.data(), bound=st.booleans())
    def another_chats_action(self, actor: str, data: st.DataObject, bound: bool) -> None:
        """An action really minted for another chat (a reminder answer, a menu entry) pressed here."""
        actions = self.run(self.session.actions())
        if not actions:  # every button expired and was purged
            return
        action = data.draw(st.sampled_from(actions))
        token = self.run(self.session.mint(actor, action, bound=bound))
        self.deliver(actor, EventKind.CHOICE, token=token)

    @rule(actor=st.sampled_from(ACTORS), kind=st.one_of(st.sampled_from(UNSUPPORTED), st.text(max_size=20)))
    def not_text(self, actor: str, kind: str) -> None:
        self.deliver(actor, EventKind.UNSUPPORTED, unsupported=kind)

    @rule(hint=language_hints)
    def a_command_in_a_group(self, hint: str | None) -> None:
        """The transport turns a command in a group into this event, and nothing else from groups. The
        engine promises one sentence (talk to me privately) and to store nothing about the group."""
        self.session.update_id += 1
        group = Event(
            GROUP_CHAT,
            EventKind.UNSUPPORTED,
            unsupported="group",
            language_hint=hint,
            update_id=self.session.update_id,
        )
        outcome = self.run(self.session.deliver(group))
        assert len(outcome.outbox_ids) == 1
        assert self.run(self.session.state_of_chat(GROUP_CHAT)) == ("", "")

    @rule(data=st.data())
    def telegram_sends_an_update_again(self, data: st.DataObject) -> None:
        """Telegram keeps an update it was not sure we got for 24 hours at most; handled update ids are
        remembered for 7 days, so any redelivery Telegram can make changes nothing."""
        now = self.session.clock.now()
        recent = [event for event, at in self.session.sent if now - at < TELEGRAM_KEEPS_UPDATES]
        if recent:
            outcome = self.run(self.session.deliver(data.draw(st.sampled_from(recent))))
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
                if prompt := session.actors[actor].offered:
                    await session.deliver(session.event(actor, EventKind.CHOICE, token=prompt[0]))
                    await arrive(session, actor)
    finally:
        await session.close()
    entered = {flow for flow, _ in reached}
    assert set(FLOW_NAMES) <= entered, f"never entered: {sorted(set(FLOW_NAMES) - entered)}"


# Found by the tests above, kept as plain examples.


async def test_a_superscript_digit_is_not_a_number_of_days(w: World) -> None:
    """`"²".isdigit()` is true but `int("²")` fails: /pause answered with an apology instead of a question."""
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


async def test_a_lasting_button_naming_a_number_beyond_sqlite_is_closed(w: World) -> None:
    """An item action whose number does not fit SQLite's integers raised OverflowError in the handler."""
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
