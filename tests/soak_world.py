"""A simulated week for many participants against the real stack, at a fault rate: the soak.

One process holds everything: the fake Bot API (tests/fake_bot_api.py) on 127.0.0.1 injecting faults into
sends (429 with retry_after, 500, 502, answers slower than the send timeout, dropped connections) and
delivering every update twice and shuffled; python-telegram-bot's `Bot` with the real `TelegramSender`,
`OutboxWorker` and `poll_updates` feeding `handle_update`; and a `FakeClock` moved through the week in
steps. At each step the due rows whose time has come are swept (as the scheduler's job would) and the
simulated participants react to what reached them, pressing the buttons they received (callback data
taken from the message the fake server recorded): at once, hours later, never or twice, sometimes typing.

Nothing is taken on trust. Every send attempt is noted with its outbox id and outcome (a wrapper around
the real sender), every update's replies are noted (a wrapper around the engine's `handle`), and temporary
triggers on the one database connection log every status change of outbox and due rows. `Soak.verify`
compares all of that with what the fake server received and what the database holds, and returns the
problems it found (an empty list when the week went right) together with the figures.

Used by tests/bot/test_soak.py (fewer participants, so the test stays quick) and benchmarks/soak.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.delivery import Limits, Result, SendResult
from bot.polling import poll_updates
from bot.service import Core, handle_update, open_core
from bot.settings import Settings
from bot.telegram_transport import TelegramSender
from dialogs import consent_texts
from dialogs.appointments.reminder_plan import propose, renew_reminders
from dialogs.core.clock import FakeClock
from dialogs.core.engine import Handled
from dialogs.core.events import Event
from dialogs.core.i18n import Translator
from dialogs.questionnaires import questionnaire
from storage import appointments, consents, invitations, outbox, participants, schedules
from storage.outbox import OutboxMessage
from storage.schedules import Schedule
from tests.fake_bot_api import FakeBotApi, SentMessage

TOKEN = "8080:SOAK"
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
CHAT_BASE = 30_000_000
ZONES = ("Europe/Berlin", "Europe/Istanbul", "Asia/Kabul", "Europe/London", "America/New_York")
MORNINGS = (clock_time(7, 30), clock_time(8, 0), clock_time(9, 15), None)
EVENINGS = (clock_time(18, 0), clock_time(19, 30), clock_time(21, 0), None)
HABITS = ("prompt",) * 5 + ("late",) * 2 + ("never",) * 2 + ("double", "texter")
TEXTS = ("ok", "hallo", "Ich weiß nicht", "👍", "later please")
# Messages the bot logs when it takes a duplicate into account (a timeout after Telegram may have taken
# the message; a row found in `sending` at start-up).
DUPLICATE_LOGS = ("may arrive twice", "possible duplicate")
REPORT_SAVED = (
    "Thank you. I saved your answers. Only you can see them, with /myweek. Your coach never sees them."
)


@dataclass(frozen=True)
class SoakConfig:
    participants: int = 500
    days: int = 7
    step: timedelta = timedelta(minutes=10)
    fault_rate: float = 0.10
    seed: int = 8
    # Faults drawn for each send, by kind. A 429 makes the worker pause all sending for the second Telegram
    # names (in real time), so it is drawn less often than the others to keep the run short. A slow answer
    # takes the message but answers after the sender gave up, and a lost answer takes it and breaks the
    # connection: both are duplicates the log names as possible; a dropped connection takes nothing.
    fault_kinds: tuple[str, ...] = ("http_429",) + ("http_500", "http_502", "slow", "drop", "lost") * 3
    slow_seconds: float = 1.0  # a "slow" fault answers after this long ...
    send_timeout: float = 0.5  # ... and the sender gives up before that: Telegram took a message unanswered
    outage_day: int = 2  # the process is down from 05:00 to 09:00 UTC that day: due rows expire by rule
    outage_hours: tuple[int, int] = (5, 9)
    settle_limit: float = 180.0  # real seconds one step may take to settle before the run gives up


@dataclass
class Person:
    """A simulated participant and what they will do this week."""

    index: int
    chat_id: int
    locale: str
    timezone: str
    morning: clock_time | None
    evening: clock_time | None
    habit: str
    selfreports: bool
    weekdays: str = "1234567"
    lookback_day: int | None = None
    stop_on: int | None = None  # day of the week (0 = Monday) they write /stop
    pause_on: int | None = None
    block_on: int | None = None
    delete_on: int | None = None  # they write /delete and confirm: erasure
    appointment_on: int | None = None  # a confirmed appointment that day, with reminders
    proposal_on: int | None = None  # staff propose an appointment that day
    participant_id: int = 0
    appointment_id: int | None = None
    script: list[tuple[str, str]] = field(default_factory=list)  # enrolling through /start: what to do next
    blocked: bool = False
    stopped: bool = False
    erased: bool = False

    @property
    def tr(self) -> Translator:
        return _translator(self.locale, self.timezone)


_TRANSLATORS: dict[tuple[str, str], Translator] = {}


def _translator(locale: str, zone: str) -> Translator:
    key = (locale, zone)
    if key not in _TRANSLATORS:
        _TRANSLATORS[key] = Translator(locale, "de", zone)
    return _TRANSLATORS[key]


def make_people(count: int, seed: int) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for index in range(count):
        morning, evening = rng.choice(MORNINGS), rng.choice(EVENINGS)
        if morning is None and evening is None:
            evening = EVENINGS[index % 3]
        person = Person(
            index=index,
            chat_id=CHAT_BASE + index,
            locale="de" if index % 2 else "en",
            timezone=ZONES[index % len(ZONES)],
            morning=morning,
            evening=evening,
            habit=HABITS[rng.randrange(len(HABITS))],
            selfreports=rng.random() < 0.7,
            weekdays="12345" if rng.random() < 0.15 else "1234567",
            lookback_day=7 if rng.random() < 0.2 else None,
        )
        special = index % 25
        if special == 3:
            person.stop_on = 2 + index % 3
        elif special == 8:
            person.pause_on = 1 + index % 3
        elif special == 13:
            person.block_on = 3 + index % 2
        elif special in (5, 18):
            person.appointment_on = 1 + index % 5
        elif special == 21:
            person.proposal_on = 1 + index % 3
        elif special == 23:
            person.delete_on = 3 + index % 3
        elif special == 1:  # enrols through the real /start flow on the first morning
            person.locale, person.timezone, person.habit = "en", "Europe/Berlin", "prompt"
            person.morning, person.evening = clock_time(8, 0), clock_time(20, 0)
            person.weekdays, person.lookback_day = "1234567", None
            person.script = [
                ("tap", "English"),
                ("tap", "Next ▶"),  # the introduction's three pages
                ("tap", "Next ▶"),
                ("tap", "Next ▶"),
                ("tap", "Yes, I agree"),
                ("tap", "Yes" if person.selfreports else "No"),
                ("text", "08:00"),
                ("text", "20:00"),
            ]
        people.append(person)
    return people


@dataclass(frozen=True)
class Expect:
    """What should be stored once the bot acknowledged an action."""

    what: str  # checkin | appt_answer | appt_outcome | appt_confirm | stop
    slot: str = ""
    day: date | None = None
    key: str = ""
    about: str = ""
    value: Any = None


@dataclass
class Action:
    person: Person
    kind: str  # press | text
    data: str
    at: datetime
    expect: Expect | None = None
    context: tuple[str, date] | None = None  # the check-in (slot, day) it belongs to
    report: bool = False  # a press inside the self-report
    times: int = 1  # 2: pressed twice
    about: str = ""  # what kind of message it answers (for the figures)
    update_ids: list[int] = field(default_factory=list)


@dataclass
class Attempt:
    result: Result
    error: str


class RecordingSender:
    """The real Telegram sender, noting every attempt: outbox id, content and outcome."""

    def __init__(self, inner: TelegramSender) -> None:
        self.inner = inner
        self.attempts: dict[int, list[Attempt]] = defaultdict(list)
        self.content: dict[int, OutboxMessage] = {}
        self.by_tokens: dict[tuple[int, tuple[str, ...]], int] = {}

    async def send(self, message: OutboxMessage) -> SendResult:
        self.content[message.id] = message
        tokens = tuple(token for line in message.buttons for _, token in line)
        if tokens:
            self.by_tokens[(message.chat_id, tokens)] = message.id
        outcome = await self.inner.send(message)
        self.attempts[message.id].append(Attempt(outcome.result, outcome.error))
        return outcome


class LogCollector(logging.Handler):
    """Every record at WARNING and above, and the duplicate warnings by outbox id."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def duplicate_ids(self) -> set[int]:
        ids: set[int] = set()
        for record in self.records:
            message = record.getMessage()
            if any(text in message for text in DUPLICATE_LOGS):
                ids.update(int(word) for word in message.split() if word.isdigit())
        return ids

    def problems(self) -> list[str]:
        bad = []
        for record in self.records:
            text = record.getMessage()
            if record.levelno >= logging.ERROR or "Traceback" in text or record.exc_info:
                bad.append(f"{record.levelname} {record.name}: {text[:300]}")
        return bad


AUDIT_SQL = (
    # Outbox ids must stay unique for the checks, but SQLite gives a new row the largest id plus one, so
    # deleting the newest row (a message to someone not enrolled once sent, a withdrawn one) would hand its
    # id out again. An anchor row (dead, chat 0, never sent) holds the id until the next insert.
    "CREATE TEMP TRIGGER soak_anchor AFTER DELETE ON main.outbox"
    " WHEN old.id > COALESCE((SELECT MAX(id) FROM outbox), 0) BEGIN"
    " INSERT INTO outbox (id, chat_id, status, not_before, created_at, last_error)"
    " VALUES (old.id, 0, 'dead', '9999-12-31', '9999-12-31', 'soak-anchor'); END",
    "CREATE TEMP TRIGGER soak_anchor_free AFTER INSERT ON main.outbox WHEN new.last_error IS NULL BEGIN"
    " DELETE FROM outbox WHERE last_error = 'soak-anchor' AND id < new.id; END",
    "CREATE TEMP TABLE soak_outbox (id INTEGER, chat_id INTEGER, event TEXT, status TEXT, error TEXT)",
    "CREATE TEMP TRIGGER soak_outbox_insert AFTER INSERT ON main.outbox WHEN new.last_error IS NULL BEGIN"
    " INSERT INTO soak_outbox VALUES (new.id, new.chat_id, 'insert', new.status, NULL); END",
    "CREATE TEMP TRIGGER soak_outbox_status AFTER UPDATE OF status ON main.outbox"
    " WHEN new.status != old.status BEGIN"
    " INSERT INTO soak_outbox VALUES (new.id, new.chat_id, 'status', new.status, new.last_error); END",
    "CREATE TEMP TRIGGER soak_outbox_delete AFTER DELETE ON main.outbox"
    " WHEN old.last_error IS NOT 'soak-anchor' BEGIN"
    " INSERT INTO soak_outbox VALUES (old.id, old.chat_id, 'delete', old.status, old.last_error); END",
    "CREATE TEMP TABLE soak_due (id INTEGER, participant_id INTEGER, kind TEXT, due_at TEXT,"
    " grace_until TEXT, status TEXT, settled_at TEXT)",
    "CREATE TEMP TRIGGER soak_due_status AFTER UPDATE OF status ON main.due WHEN new.status != old.status"
    " BEGIN INSERT INTO soak_due VALUES (new.id, new.participant_id, new.kind, new.due_at,"
    " new.grace_until, new.status, new.settled_at); END",
)


@dataclass
class Figures:
    participants: int = 0
    days: int = 0
    steps: int = 0
    updates_pushed: int = 0
    presses: int = 0
    texts: int = 0
    acknowledged: int = 0
    closed: int = 0
    closed_by: Counter[str] = field(default_factory=Counter)
    stored_checked: int = 0
    messages_enqueued: int = 0
    messages_sent: int = 0
    dead: Counter[str] = field(default_factory=Counter)
    withdrawn: int = 0
    attempts: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    received: int = 0
    duplicates: int = 0
    duplicates_logged: int = 0
    due_settled: Counter[str] = field(default_factory=Counter)
    expired_in_outage: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return "\n".join(
            [
                f"soak: {self.participants} participants, {self.days} simulated days in {self.steps} steps,"
                f" {self.seconds:.1f} s",
                f"  updates pushed {self.updates_pushed} (presses {self.presses}, texts {self.texts});"
                f" acknowledged {self.acknowledged}, told closed {self.closed} {dict(self.closed_by)};"
                f" stored answers checked {self.stored_checked}",
                f"  outbox: {self.messages_enqueued} enqueued, {self.messages_sent} sent,"
                f" dead {dict(self.dead)}, withdrawn {self.withdrawn}",
                f"  send attempts {self.attempts}, retried {dict(self.retries)};"
                f" faults injected {dict(self.faults)}",
                f"  received by the fake server {self.received}; duplicates {self.duplicates}"
                f" (logged as possible duplicates: {self.duplicates_logged})",
                f"  due rows settled {dict(self.due_settled)};"
                f" expired in the outage {self.expired_in_outage}",
            ]
        )


class Soak:
    def __init__(self, config: SoakConfig, server: FakeBotApi, core: Core, sender: RecordingSender) -> None:
        self.config = config
        self.server = server
        self.core = core
        self.sender = sender
        assert isinstance(core.engine.clock, FakeClock)
        self.clock: FakeClock = core.engine.clock
        self.rng = random.Random(config.seed)
        self.people = make_people(config.participants, config.seed)
        self.by_chat = {person.chat_id: person for person in self.people}
        self.cursor = 0  # index into server.sent: what the participants have seen
        self.waiting: list[Action] = []  # presses some participants make later
        self.script_pressed: set[str] = set()  # buttons pressed while enrolling (a duplicate is not pressed)
        self.actions: list[Action] = []
        self.action_of_update: dict[int, Action] = {}
        self.replies: dict[int, list[int]] = {}  # update id -> outbox ids the engine wrote for it
        self.action_of_reply: dict[int, Action] = {}
        self.update_of_reply: dict[int, int] = {}
        self.figures = Figures(participants=config.participants, days=config.days)
        self.end = START
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        outage = START + timedelta(days=config.outage_day)
        self.outage = (
            outage + timedelta(hours=config.outage_hours[0]),
            outage + timedelta(hours=config.outage_hours[1]),
        )
        self._wrap_engine()

    # -- wiring --------------------------------------------------------------------------------------------

    def _wrap_engine(self) -> None:
        engine = self.core.engine
        handle = engine.handle

        async def recording(event: Event) -> Handled:
            outcome = await handle(event)
            if event.update_id is not None and not outcome.duplicate and not outcome.refused:
                self.replies[event.update_id] = list(outcome.outbox_ids)
                action = self.action_of_update.get(event.update_id)
                if action is not None:
                    for outbox_id in outcome.outbox_ids:
                        self.action_of_reply[outbox_id] = action
                for outbox_id in outcome.outbox_ids:
                    self.update_of_reply[outbox_id] = event.update_id
            return outcome

        engine.handle = recording  # type: ignore[method-assign]

    async def install_audit(self) -> None:
        async with self.core.db.transaction() as tx:
            for sql in AUDIT_SQL:
                await tx.execute(sql)

    async def seed(self) -> None:
        """Enrol everyone at once (plain repository calls, consents with the hash of the real texts)."""
        now = self.clock.now()
        scopes = {scope.key: scope for scope in consent_texts.PARTICIPANT_SCOPES}
        async with self.core.db.transaction() as tx:
            for person in self.people:
                if person.script:
                    invitation = await invitations.create(tx, now, timedelta(days=14))
                    person.script.insert(0, ("start", f"/start {invitation.code}"))
                    continue
                created = await participants.create(
                    tx, chat_id=person.chat_id, locale=person.locale, timezone=person.timezone, now=now
                )
                person.participant_id = created.id
                for key, granted in (
                    (consent_texts.CHECKINS, True),
                    (consent_texts.SELFREPORTS, person.selfreports),
                ):
                    text = consent_texts.shown_text(
                        person.tr, scopes[key], None, self.core.engine.config.retention_days
                    )
                    await consents.record(
                        tx,
                        created.id,
                        scope=key,
                        granted=granted,
                        text_version=consent_texts.TEXT_VERSION,
                        text_sha256=consent_texts.text_sha256(text),
                        locale=person.locale,
                        now=now,
                    )
                await schedules.save(
                    tx,
                    Schedule(
                        created.id,
                        morning=person.morning,
                        evening=person.evening,
                        weekdays=frozenset(int(c) for c in person.weekdays),
                        lookback_day=person.lookback_day,
                    ),
                    now,
                )
                if person.appointment_on is not None:
                    starts = self._local(person, person.appointment_on, clock_time(10, 30))
                    appointment = await appointments.create(
                        tx,
                        participant_id=created.id,
                        starts_at=starts,
                        kind="doctor",
                        place=None,
                        note=None,
                        status="confirmed",
                        added_by="participant",
                        now=now,
                    )
                    person.appointment_id = appointment.id
                    await renew_reminders(tx, created, appointment.id, now)

    @staticmethod
    def _local(person: Person, day: int, at: clock_time) -> datetime:
        from zoneinfo import ZoneInfo

        local = datetime.combine((START + timedelta(days=day)).date(), at, tzinfo=ZoneInfo(person.timezone))
        return local.astimezone(UTC)

    # -- the week ------------------------------------------------------------------------------------------

    async def run(self) -> Figures:
        started = time.monotonic()
        config = self.config
        end = START + timedelta(days=config.days)
        next_plan, next_maintenance = START, START + timedelta(hours=3)
        moment = START
        while moment <= end:
            self.clock.set(moment)
            if self.outage[0] <= moment < self.outage[1]:  # the process is down: nothing happens
                moment += config.step
                continue
            if moment >= next_plan:
                await self.core.scheduler.plan()
                next_plan += timedelta(days=1)
            if moment >= next_maintenance:
                await self.core.scheduler.maintain()
                next_maintenance += timedelta(days=1)
            await self._staff_and_life_events(moment)
            await self.core.scheduler.sweep()
            self.core.worker.wake()
            await self.settle(react=True)
            self.figures.steps += 1
            moment += config.step
        # After the week: let retries and the last answers finish, without new actions.
        for _ in range(12):
            moment += config.step
            self.clock.set(moment)
            await self.core.scheduler.sweep()
            self.core.worker.wake()
            await self.settle()
            if not await self._waiting_outbox():
                break
        self.end = moment
        self.figures.seconds = time.monotonic() - started
        return self.figures

    async def _staff_and_life_events(self, moment: datetime) -> None:
        """Blocks, /stop and /pause at noon UTC of their day; staff propose appointments at 10:00 UTC."""
        day = (moment - START).days
        minute = moment.hour * 60 + moment.minute
        for person in self.people:
            if person.blocked or person.stopped:
                continue
            if person.block_on == day and minute == 12 * 60:
                self.server.block(person.chat_id)
                person.blocked = True
            elif person.stop_on == day and minute == 12 * 60:
                person.stopped = True
                self._push(Action(person, "text", "/stop", moment, Expect("stop")))
            elif person.pause_on == day and minute == 12 * 60:
                self._push(Action(person, "text", "/pause 2", moment))
            elif person.delete_on == day and minute == 12 * 60:
                self._push(Action(person, "text", "/delete", moment))
            elif person.proposal_on == day and minute == 10 * 60:
                async with self.core.db.transaction() as tx:
                    found = await participants.by_id(tx, person.participant_id)
                    assert found is not None
                    created, _ = await propose(
                        tx,
                        found,
                        starts_at=moment + timedelta(days=1, hours=1),
                        kind="jobcentre",
                        place=None,
                        note=None,
                        now=moment,
                    )
                person.appointment_id = created.id

    async def settle(self, *, react: bool = False) -> None:
        """Wait until every update is handled and every message that may go now has gone; with `react`, the
        participants react to each message as soon as it reaches them, until nobody has more to do."""
        deadline = time.monotonic() + self.config.settle_limit
        quiet_rounds = 0
        while quiet_rounds < 2:
            if react and self._react():
                quiet_rounds = 0
            elif self.server.pending_updates == 0 and not await self._unsettled_outbox(self.clock.now()):
                quiet_rounds += 1
            else:
                quiet_rounds = 0
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the soak did not settle at {self.clock.now()}: {self.server.pending_updates} updates"
                    f" pending, outbox {await self._unsettled_outbox(self.clock.now())}"
                )
            await asyncio.sleep(0.003)

    async def _unsettled_outbox(self, now: datetime) -> int:
        """Messages being sent, or that the worker may send at `now` (behind no retry of their chat)."""
        async with self.core.db.read() as tx:
            sending = int(await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sending'"))
            return sending + len(await outbox.due(tx, now, 1))

    async def _waiting_outbox(self) -> int:
        async with self.core.db.read() as tx:
            return int(await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"))

    async def halt(self) -> None:
        """Stop polling and delivering (the database stays open for the checks)."""
        self.server.faults.clear()
        self.stop.set()
        self.core.worker.wake()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=30)
        self.tasks = []
        self.figures.faults = Counter(self.server.stats.faults_injected)

    # -- the participants ----------------------------------------------------------------------------------

    def _react(self) -> int:
        """Everyone reacts to what has reached them since the last look; returns how many updates went out."""
        now = self.clock.now()
        new = self.server.sent[self.cursor :]
        self.cursor += len(new)
        due_later = [a for a in self.waiting if a.at <= now]
        self.waiting = [a for a in self.waiting if a.at > now]
        pushed = 0
        for action in due_later:
            if not (action.person.blocked or action.person.stopped):
                self._push(action)
                pushed += 1
        if now.hour == 9 and now.minute == 0 and now < START + timedelta(days=1):
            for person in self.people:
                if person.script and person.script[0][0] == "start":
                    self._push(Action(person, "text", person.script.pop(0)[1], now, Expect("enrol")))
                    pushed += 1
        for message in new:
            person = self.by_chat.get(int(message.chat_id))
            if person is not None and person.script and message.buttons:
                pushed += self._enrol_step(person, message, now)
        for message in self._latest_questions(new):
            person = self.by_chat[int(message.chat_id)]
            for action in self._decide(person, message, now):
                if action.at > now:
                    self.waiting.append(action)
                else:
                    self._push(action)
                    pushed += 1
        return pushed

    def _enrol_step(self, person: Person, message: SentMessage, now: datetime) -> int:
        """The next step of someone enrolling through /start, when the question for it has come."""
        what, value = person.script[0]
        if what == "text":
            action = Action(person, "text", value, now)
        else:
            found = [data for line in message.buttons for label, data in line if data and value in label]
            if not found or found[0] in self.script_pressed:  # a duplicate of a page already read on
                return 0
            self.script_pressed.add(found[0])
            action = Action(person, "press", found[0], now)
        person.script.pop(0)
        self._push(action)
        return 1

    def _latest_questions(self, new: list[SentMessage]) -> list[SentMessage]:
        """The new messages with buttons a participant looks at: every prompt, reminder and proposal, but of
        the questions of a conversation only the newest (an old one was just asked again or answered)."""
        chosen: list[SentMessage] = []
        newest: dict[int, SentMessage] = {}
        for message in new:
            person = self.by_chat.get(int(message.chat_id))
            if person is None or person.blocked or person.stopped or person.script or not message.buttons:
                continue
            labels = {label: data for line in message.buttons for label, data in line if data}
            if _classify(person.tr, labels) in ("checkin_question", "report_question", "report_offer"):
                if not self._shown_again(person, message):
                    newest[person.chat_id] = message
            else:
                chosen.append(message)
        return chosen + list(newest.values())

    def _shown_again(self, person: Person, message: SentMessage) -> bool:
        """Whether a question came again after "this question is closed" (they already answered it)."""
        tokens = tuple(data for line in message.buttons for _, data in line if data)
        outbox_id = self.sender.by_tokens.get((person.chat_id, tokens))
        update_id = self.update_of_reply.get(outbox_id) if outbox_id is not None else None
        if update_id is None:
            return False
        closed = person.tr("This question is closed.")
        replies = [self.sender.content.get(i) for i in self.replies.get(update_id, [])]
        return any(reply is not None and reply.text == closed for reply in replies)

    def _push(self, action: Action) -> None:
        chat = action.person.chat_id
        for _ in range(action.times):
            if action.kind == "press":
                update_id, _ = self.server.push_callback(
                    chat, action.data, language_code=action.person.locale
                )
                self.figures.presses += 1
            else:
                update_id = self.server.push_message(chat, action.data, language_code=action.person.locale)
                self.figures.texts += 1
            action.update_ids.append(update_id)
            self.action_of_update[update_id] = action
            self.figures.updates_pushed += 1
        self.actions.append(action)

    def _decide(self, person: Person, message: SentMessage, now: datetime) -> list[Action]:
        """What this person does with a message that has buttons (nothing, for many)."""
        tr, rng = person.tr, self.rng
        labels = {label: data for line in message.buttons for label, data in line if data}
        if not labels:
            return []
        kind = _classify(tr, labels)
        if kind == "other" or (person.habit == "never" and kind != "erase"):
            return []
        at = now
        if person.habit == "late" and kind in ("prompt", "reminder", "followup", "proposal"):
            at = now + timedelta(minutes=rng.choice((20, 70, 130, 200, 300)))
        times = 2 if person.habit == "double" and rng.random() < 0.5 else 1
        actions: list[Action] = []
        if person.habit == "texter" and rng.random() < 0.4:
            actions.append(Action(person, "text", rng.choice(TEXTS), now))
        context = self._context(person, message, kind, now)
        press = self._choose(person, kind, labels, context, message)
        if press is None:
            return actions
        label, expect = press
        action = Action(person, "press", labels[label], at, expect, context, kind.startswith("report"), times)
        action.about = f"{kind} {person.habit} {label}"
        return [*actions, action]

    def _context(
        self, person: Person, message: SentMessage, kind: str, now: datetime
    ) -> tuple[str, date] | None:
        if kind == "prompt":
            tr = person.tr
            slot = (
                "morning"
                if tr("Tap everything that fits, then tap Done.") in (message.text or "")
                else "evening"
            )
            return slot, now.astimezone(tr.timezone).date()
        tokens = tuple(data for line in message.buttons for _, data in line if data)
        outbox_id = self.sender.by_tokens.get((person.chat_id, tokens))
        action = self.action_of_reply.get(outbox_id) if outbox_id is not None else None
        return action.context if action is not None else None

    def _choose(
        self,
        person: Person,
        kind: str,
        labels: dict[str, str],
        context: tuple[str, date] | None,
        message: SentMessage,
    ) -> tuple[str, Expect | None] | None:
        tr, rng = person.tr, self.rng
        form = questionnaire.named("checkin")
        if kind == "prompt":
            roll = rng.random()
            if roll < 0.05:
                return tr("Skip today"), None
            if roll < 0.12:
                return tr("⏰ In 30 minutes"), None
            assert context is not None
            if context[0] == "morning":
                return rng.choice([label for label in labels if _plan_key(tr, form, label)]), None
            return _pick_mood(tr, rng, labels, context)
        if kind == "checkin_question":
            if context is None:
                return None
            done = "✅ " + tr("Done")
            if done in labels:  # the morning's multi question, with something ticked
                ticked = sorted(
                    k for label in labels if label.startswith("✓ ") and (k := _plan_key(tr, form, label[2:]))
                )
                if len(ticked) >= 2 or rng.random() < 0.6:
                    return done, Expect("checkin", context[0], context[1], "plans", value=ticked)
                untick = [label for label in labels if _plan_key(tr, form, label)]
                return (rng.choice(untick), None) if untick else (done, None)
            if rng.random() < 0.1:
                return tr("Skip this question"), None
            kept = {tr(option.label): option.key for option in _item(form, "evening", "kept").options}
            about = _about(tr, form, message.text or "")
            choices = [label for label in labels if label in kept]
            if not choices or about is None:
                return None
            label = rng.choice(choices)
            return label, Expect("checkin", context[0], context[1], "kept", about, kept[label])
        if kind == "report_offer":
            return (tr("Yes, let us start") if rng.random() < 0.6 else tr("Not today")), None
        if kind == "report_question":
            skip, stop = tr("Skip this question"), tr("⏹ Stop here (nothing is saved)")
            if rng.random() < 0.03:
                return stop, None
            answers = [label for label in labels if label not in (skip, stop)]
            return (rng.choice(answers) if answers and rng.random() < 0.9 else skip), None
        if kind == "reminder":
            return tr("✅ I'll be there"), Expect("appt_answer", value="there")
        if kind == "followup":
            return tr("😊 Good"), Expect("appt_outcome", value="good")
        if kind == "proposal":
            return tr("✅ Yes, confirm it"), Expect("appt_confirm")
        if kind == "erase":
            person.stopped = person.erased = True  # from here on nothing reaches them, they do nothing more
            return tr("Yes, delete everything"), Expect("erase")
        return None


# What a message is, told by one of its button labels; the first that matches wins.
KIND_BY_LABEL = (
    ("Yes, let us start", "report_offer"),
    ("⏰ In 30 minutes", "prompt"),
    ("⏹ Stop here (nothing is saved)", "report_question"),
    ("Skip this question", "checkin_question"),
    ("✅ I'll be there", "reminder"),
    ("😊 Good", "followup"),
    ("✅ Yes, confirm it", "proposal"),
    ("Yes, delete everything", "erase"),
)


def _classify(tr: Translator, labels: dict[str, str]) -> str:
    return next((kind for label, kind in KIND_BY_LABEL if tr(label) in labels), "other")


def _item(form: questionnaire.Questionnaire, part: str, key: str) -> Any:
    item = form.part(part).item(key)
    assert item is not None
    return item


def _plan_key(tr: Translator, form: questionnaire.Questionnaire, label: str) -> str | None:
    for option in _item(form, "morning", "plans").options:
        if tr(option.label) == label:
            return str(option.key)
    return None


def _about(tr: Translator, form: questionnaire.Questionnaire, text: str) -> str | None:
    for option in _item(form, "morning", "plans").options:
        if tr(option.label) in text:
            return str(option.key)
    return None


def _pick_mood(
    tr: Translator, rng: random.Random, labels: dict[str, str], context: tuple[str, date]
) -> tuple[str, Expect]:
    item = _item(questionnaire.named("checkin"), "evening", "mood")
    moods = {f"{item.icons[i]} {tr(label)}": item.min + i for i, label in enumerate(item.labels)}
    choices = [label for label in labels if label in moods]
    assert choices, f"no mood button in {list(labels)}"
    label = rng.choice(choices)
    return label, Expect("checkin", context[0], context[1], "mood", value=moods[label])


# -- running it --------------------------------------------------------------------------------------------


@asynccontextmanager
async def soak_world(tmp_path: Path, config: SoakConfig) -> AsyncIterator[Soak]:
    """The fake server, the stack and the seeded participants, with polling and delivery running."""
    server = FakeBotApi(token=TOKEN, global_rate=100_000, per_chat_interval=0.0)
    server.faults.random_seed = config.seed
    server.faults.slow_seconds = config.slow_seconds
    server.faults.random_kinds = config.fault_kinds
    server.faults.duplicate_updates = True
    server.faults.shuffle_updates = True
    with server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "soak.db",
            global_rate=10_000,
            per_chat_interval=0,
            send_timeout=config.send_timeout,
        )
        limits = Limits(global_rate=10_000, per_chat_interval=0)
        timeout = config.send_timeout
        request = HTTPXRequest(
            connection_pool_size=limits.concurrency,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout * 4,
        )
        bot = Bot(TOKEN, base_url=server.base_url, request=request, get_updates_request=HTTPXRequest())
        sender = RecordingSender(TelegramSender(bot))
        clock = FakeClock(START)
        async with bot, open_core(settings, sender, clock, limits) as core:
            await core.scheduler.stop()  # the soak sweeps at the fake clock's moments itself
            soak = Soak(config, server, core, sender)
            await soak.install_audit()
            await soak.seed()
            stop = asyncio.Event()

            async def handle(update: Update) -> bool:
                return await handle_update(update, core.dispatcher)

            soak.stop = stop
            soak.tasks = [
                asyncio.create_task(poll_updates(bot, handle, stop, hold=5)),
                asyncio.create_task(core.worker.run(stop)),
            ]
            server.faults.random_rate = config.fault_rate  # after seeding: faults hit the week's sends
            try:
                yield soak
            finally:
                await soak.halt()


# -- the checks --------------------------------------------------------------------------------------------


async def verify(soak: Soak, logs: LogCollector) -> list[str]:
    """Every check of the soak; returns the problems found (empty when the week went right)."""
    problems: list[str] = []
    async with soak.core.db.read() as tx:
        for person in soak.people:
            if not person.participant_id:  # enrolled through /start
                found = await participants.by_chat(tx, person.chat_id)
                if found is None:
                    problems.append(f"chat {person.chat_id} did not get through /start: {person.script}")
                else:
                    person.participant_id = found.id
    problems += await _check_due(soak)
    sent = await _check_outbox(soak, problems)
    problems += _check_received(soak, sent, logs)
    problems += await _check_answers(soak, sent)
    problems += await _check_database(soak)
    problems += [f"log: {line}" for line in logs.problems()]
    return problems


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _check_due(soak: Soak) -> list[str]:
    """(1) Nothing due is left pending; each row was settled by the engine's rule."""
    problems = []
    async with soak.core.db.read() as tx:
        left = await tx.all(
            "SELECT id, kind, key, due_at FROM due WHERE status = 'pending' AND due_at <= ? ORDER BY due_at",
            (soak.end.isoformat(timespec="microseconds"),),
        )
        settled = await tx.all("SELECT * FROM soak_due ORDER BY rowid")
    for row in left[:10]:
        problems.append(f"due row {row['id']} ({row['key']}, due {row['due_at']}) is still pending")
    if len(left) > 10:
        problems.append(f"... and {len(left) - 10} more due rows still pending")
    for row in settled:
        status, due_at, grace_until = row["status"], _at(row["due_at"]), _at(row["grace_until"])
        settled_at = _at(row["settled_at"])
        soak.figures.due_settled[status] += 1
        if status == "done" and settled_at > grace_until:
            problems.append(f"due row {row['id']} ({row['kind']}) was run after its grace window")
        if status == "expired":
            if settled_at <= grace_until:
                problems.append(f"due row {row['id']} ({row['kind']}) expired within its grace window")
            elif soak.outage[0] <= grace_until <= soak.outage[1]:
                soak.figures.expired_in_outage += 1
            elif grace_until - due_at >= soak.config.step:
                problems.append(
                    f"due row {row['id']} ({row['kind']}, due {due_at}) expired outside the outage although"
                    " its grace window is longer than a step"
                )
    return problems


async def _check_outbox(soak: Soak, problems: list[str]) -> set[int]:
    """(2) Every message is sent, dead for a documented reason, or withdrawn by rule. Returns the sent ids."""
    async with soak.core.db.read() as tx:
        events = await tx.all("SELECT id, chat_id, event, status, error FROM soak_outbox ORDER BY rowid")
    final: dict[int, tuple[str, str, str | None]] = {}
    chat_of: dict[int, int] = {}
    sent: set[int] = set()
    inserted: Counter[int] = Counter(row["id"] for row in events if row["event"] == "insert")
    reused = [outbox_id for outbox_id, count in inserted.items() if count > 1]
    if reused:
        problems.append(f"outbox ids were handed out twice, the checks cannot tell them apart: {reused[:5]}")
    for row in events:
        outbox_id = row["id"]
        chat_of[outbox_id] = row["chat_id"]
        if row["event"] == "insert":
            soak.figures.messages_enqueued += 1
        if row["event"] == "status" and row["status"] == "sent":
            sent.add(outbox_id)
        final[outbox_id] = (row["event"], row["status"], row["error"])
    for outbox_id, (event, status, error) in final.items():
        attempts = soak.sender.attempts.get(outbox_id, [])
        delivered = bool(attempts) and attempts[-1].result is Result.SENT
        if event == "delete" and status == "sending" and delivered:
            sent.add(outbox_id)  # a message to nobody enrolled: its row goes once it is sent
            continue
        if outbox_id in sent:
            if not delivered:
                problems.append(f"outbox {outbox_id} is marked sent but its last attempt was {attempts[-1:]}")
            continue
        person = soak.by_chat.get(chat_of[outbox_id])
        if status == "dead":
            soak.figures.dead[error or "?"] += 1
            if error not in ("blocked", "400"):
                problems.append(f"outbox {outbox_id} is dead for no documented reason ({error})")
            elif error == "blocked" and not (person and person.blocked):
                problems.append(f"outbox {outbox_id} is dead as blocked, but its chat never blocked the bot")
        elif event == "delete" and status in ("pending", "sending"):
            soak.figures.withdrawn += 1
            if not (person and (person.blocked or person.stopped)):
                problems.append(f"outbox {outbox_id} was withdrawn, but its chat neither stopped nor blocked")
        else:
            problems.append(f"outbox {outbox_id} ended {event}/{status} ({error}): neither sent nor dead")
    soak.figures.messages_sent = len(sent)
    for attempts in soak.sender.attempts.values():
        soak.figures.attempts += len(attempts)
        for attempt in attempts:
            if attempt.result is not Result.SENT:
                soak.figures.retries[attempt.error or attempt.result.value] += 1
    return sent


def _key(
    chat_id: int, text: str | None, buttons: list[list[tuple[str, str | None]]], file: str | None
) -> Any:
    tokens = tuple(data for line in buttons for _, data in line)
    return chat_id, (text or "").strip(), tokens, file


def _check_received(soak: Soak, sent: set[int], logs: LogCollector) -> list[str]:
    """(2, 4) The fake server received every sent message, and none twice unless the log said it might."""
    problems = []
    received: Counter[Any] = Counter()
    for got in soak.server.sent:
        if got.method in ("sendMessage", "sendDocument"):
            received[_key(int(got.chat_id), got.text, got.buttons, got.document_filename)] += 1
    soak.figures.received = sum(received.values())
    ids_by_key: dict[Any, list[int]] = defaultdict(list)
    for outbox_id, message in soak.sender.content.items():
        file = message.attachment.filename if message.attachment else None
        buttons: list[list[tuple[str, str | None]]] = [list(line) for line in message.buttons]
        ids_by_key[_key(message.chat_id, message.text, buttons, file)].append(outbox_id)
    logged = logs.duplicate_ids()
    for key, count in received.items():
        ids = ids_by_key.get(key)
        if not ids:
            problems.append(f"the fake server got a message the bot never tried to send: chat {key[0]}")
            continue
        expected = sum(1 for outbox_id in ids if outbox_id in sent)
        if count < expected:
            problems.append(f"outbox {ids} sent {expected} time(s) but received {count} time(s)")
        elif count > expected:
            soak.figures.duplicates += count - expected
            if not any(outbox_id in logged for outbox_id in ids):
                problems.append(f"outbox {ids} arrived {count} times for {expected} sent, unlogged")
            else:
                soak.figures.duplicates_logged += count - expected
    for key, ids in ids_by_key.items():
        if key not in received and any(outbox_id in sent for outbox_id in ids):
            problems.append(f"outbox {ids} is marked sent but the fake server never received it")
    return problems


async def _check_answers(soak: Soak, sent: set[int]) -> list[str]:
    """(3) Every answer the bot acknowledged is stored; presses on closed questions were told so."""
    problems = []
    reports: Counter[int] = Counter()
    async with soak.core.db.read() as tx:
        checkin_rows = await tx.all("SELECT participant_id, slot, day, status, answers FROM checkins")
        stored_reports = await tx.all("SELECT participant_id, COUNT(*) AS n FROM selfreports GROUP BY 1")
        appointment_rows = await tx.all("SELECT id, status, answer, outcome FROM appointments")
        people = await tx.all("SELECT id, status FROM participants")
    checkins = {(r["participant_id"], r["slot"], r["day"]): r for r in checkin_rows}
    appointment_by_id = {r["id"]: r for r in appointment_rows}
    status_of = {r["id"]: r["status"] for r in people}
    for action in soak.actions:
        person = action.person
        tr = person.tr
        closed_text, saved_text = tr("This question is closed."), tr(REPORT_SAVED)
        acknowledged = False
        for update_id in action.update_ids:
            texts = [soak.sender.content[i].text for i in soak.replies.get(update_id, []) if i in sent]
            if any(text == closed_text for text in texts):
                soak.figures.closed += 1
                soak.figures.closed_by[action.about.split(" ")[0]] += 1
            elif texts:
                acknowledged = True
            if action.report and saved_text in texts:
                reports[person.participant_id] += 1
        if not acknowledged:
            continue
        soak.figures.acknowledged += 1
        expect = action.expect
        if expect is None or (person.erased and expect.what != "erase"):
            continue  # erasure removed what they had answered, by rule
        soak.figures.stored_checked += 1
        where = f"{person.chat_id} ({person.locale}, {person.habit}) {expect}"
        if expect.what == "checkin":
            assert expect.day is not None
            row = checkins.get((person.participant_id, expect.slot, expect.day.isoformat()))
            answers = json.loads(row["answers"]) if row is not None else {}
            value = answers.get(expect.key)
            if expect.about:
                value = value.get(expect.about) if isinstance(value, dict) else None
            wanted = expect.value
            if isinstance(wanted, list):
                value, wanted = sorted(value or []), sorted(wanted)
            if value != wanted:
                problems.append(f"acknowledged check-in answer not stored: {where}, found {answers}")
        elif expect.what.startswith("appt"):
            found = appointment_by_id.get(person.appointment_id or -1)
            column = {"appt_answer": "answer", "appt_outcome": "outcome", "appt_confirm": "status"}
            wanted = expect.value if expect.what != "appt_confirm" else "confirmed"
            if found is None or found[column[expect.what]] != wanted:
                problems.append(f"acknowledged appointment answer not stored: {where}, found {found}")
        elif expect.what == "stop" and status_of.get(person.participant_id) != "stopped":
            problems.append(f"acknowledged /stop not stored: {where}")
        elif expect.what == "enrol" and status_of.get(person.participant_id) != "active":
            problems.append(f"acknowledged enrolment did not make an active participant: {where}")
        elif expect.what == "erase" and person.participant_id in status_of:
            problems.append(f"acknowledged erasure left the participant in the database: {where}")
    stored = {r["participant_id"]: r["n"] for r in stored_reports}
    erased = {person.participant_id for person in soak.people if person.erased}
    for participant_id in (set(stored) | set(reports)) - erased:
        if stored.get(participant_id, 0) != reports[participant_id]:
            problems.append(
                f"participant {participant_id}: {reports[participant_id]} self-reports acknowledged,"
                f" {stored.get(participant_id, 0)} stored"
            )
    return problems


async def _check_database(soak: Soak) -> list[str]:
    """(5) The file is consistent."""
    async with soak.core.db.read() as tx:
        integrity = [row[0] for row in await tx.all("PRAGMA integrity_check")]
        foreign = await tx.all("PRAGMA foreign_key_check")
    problems = []
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:5]}")
    if foreign:
        problems.append(f"foreign_key_check: {[tuple(row) for row in foreign[:5]]}")
    return problems
