"""Twenty SIGKILLs of a real `companion run` at random moments, during a fan-out and conversations.

Two hundred participants have their morning check-in due now or over the next half minute (a few are
already past their grace window); while the bot sends them, simulated people answer their prompt with
the buttons they got, write commands, and a few enrol with an invitation made by `companion invite
--json`. The bot is killed with SIGKILL twenty times at seeded moments (during start-up, after some
messages of the fan-out, while presses are handled, while the poll that confirms handled updates hangs)
and started again each time; at the end it runs until nothing is left to do and stops with SIGTERM.

Then: every due prompt arrived, one per person (or expired by its rule), every update pushed was handled
and answered, every answer given is stored, every outbox row arrived, a message arrived twice only where
the log of that run said it might, the database is consistent and no run logged an error. The figures
(duplicates per kill, and how many were logged as possible) are printed; run with `-s` to see them.

The same story runs with a few kills in webhook mode (`companion run --webhook`): the fake Telegram posts
every update to the bot and posts it again until the bot answers 200, as Telegram does, so an update
whose 200 a kill prevented comes again, and one answered 200 must have been stored."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.seed import CHAT_BASE, seed
from storage.database import Database
from storage.times import to_db
from tests.processes import FakeServerProcess, bot_environment, free_port, start_bot

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

SEED = 8_2026
# How many kills at each kind of moment (see `kill_moment`), in a seeded order.
MOMENTS = {"start-up": 4, "fan-out": 6, "conversation": 5, "unconfirmed": 5}
WEBHOOK_MOMENTS = {"start-up": 1, "fan-out": 1, "conversation": 3}  # "unconfirmed" is a poll held back
WEBHOOK_PATH = "/telegram"
WEBHOOK_SECRET = "crash-test-secret"
PEOPLE = 200
EXPIRED = 4  # participants 1..4: their row is already past its grace window
AT_ONCE = PEOPLE // 3  # due when the test starts; the rest over SPREAD
SPREAD = timedelta(seconds=30)
ENROLLING = 3
ENROL_CHAT_BASE = 20_000_000
TRIGGER_TIMEOUT = 8.0  # seconds: a kill moment that does not come is replaced by this one
DUPLICATE_LINES = ("possible duplicate", "may arrive twice")

Record = dict[str, Any]  # one message the fake server accepted (`/_control/sent`)
Button = tuple[str, str]  # label, callback data


def buttons(record: Record) -> list[Button]:
    markup = record.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def is_prompt(record: Record) -> bool:
    """A check-in prompt: the only message with "in 30 minutes" and "in 1 hour" (the menu has one ⏰)."""
    return sum(1 for label, _ in buttons(record) if label.startswith("⏰")) == 2


def has_done(record: Record) -> bool:
    return any(label.startswith("✅") for label, _ in buttons(record))


def no_buttons(record: Record) -> bool:
    return not buttons(record)


def not_prompt(record: Record) -> bool:
    return not is_prompt(record)


def answers_help(record: Record) -> bool:
    """/help's second message: the help numbers (the command list is one tap further, "📋 All commands")."""
    return "0800 111 0 111" in (record.get("text") or "")


def first_button(choices: list[Button]) -> Button:
    return choices[0]


def done_button(choices: list[Button]) -> Button:
    return next(b for b in choices if b[0].startswith("✅"))


def english_or_first(choices: list[Button]) -> Button:
    """The language question: English; every consent question: its first button, yes."""
    return next((b for b in choices if b[0].endswith("English")), choices[0])


@dataclass(frozen=True)
class Step:
    """`say`: write `text` at once. `tap`: wait for a message matching `when` that came after the person's
    last action, press `button` on it. `expect`: wait for such a message. `consent`: tap every new question
    (once per text) until a message matching `when` comes."""

    kind: str
    when: Callable[[Record], bool] = not_prompt
    text: str = ""
    button: Callable[[list[Button]], Button] = first_button


@dataclass(frozen=True)
class Pushed:
    update_id: int
    chat: int
    what: str
    after: int  # how many messages the fake server had recorded when this was pushed (as far as known)


@dataclass
class Person:
    chat: int
    role: str
    steps: list[Step]
    language: str = "de"
    from_run: int = 0
    position: int = 0
    after: int = 0  # messages before this index cannot answer the current step
    answered_texts: set[str] = field(default_factory=set)

    @property
    def finished(self) -> bool:
        return self.position >= len(self.steps)


class Driver:
    """Reads what the bot sent and lets every simulated person take their next step."""

    def __init__(self, server: FakeServerProcess, people: list[Person]) -> None:
        self.server = server
        self.people = people
        self.records: list[Record] = []
        self.by_chat: dict[int, list[int]] = {}
        self.pushed: list[Pushed] = []
        self.answers_seen = 0  # replies that let a person go on: a measure of conversations under way
        self.run = 0

    def fetch(self) -> None:
        for record in self.server.sent(since=len(self.records)):
            if record["method"] in ("sendMessage", "sendDocument", "sendPhoto"):
                self.by_chat.setdefault(int(record["chat_id"]), []).append(len(self.records))
            self.records.append(record)

    def round(self) -> None:
        self.fetch()
        for person in self.people:
            if person.from_run <= self.run:
                self._advance(person)

    def drive(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Drive until `condition` holds (True) or `timeout` seconds passed (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.round()
            if condition():
                return True
            time.sleep(0.03)
        return False

    def _next_match(self, person: Person, when: Callable[[Record], bool]) -> int | None:
        for index in self.by_chat.get(person.chat, []):
            if index >= person.after and when(self.records[index]):
                return index
        return None

    def _tap(self, person: Person, record: Record, button: Button) -> None:
        answer = self.server.control(
            "push_callback",
            chat_id=person.chat,
            data=button[1],
            message_id=record["message_id"],
            language_code=person.language,
        )
        self.pushed.append(Pushed(answer["update_id"], person.chat, f"tap {button[0]}", len(self.records)))
        person.after = len(self.records)

    def _advance(self, person: Person) -> None:
        while not person.finished:
            step = person.steps[person.position]
            if step.kind == "say":
                answer = self.server.control(
                    "push_message", chat_id=person.chat, text=step.text, language_code=person.language
                )
                self.pushed.append(Pushed(answer["update_id"], person.chat, step.text, len(self.records)))
                person.after = len(self.records)
                person.position += 1
                continue
            if step.kind == "consent":
                if not self._consent(person, step):
                    return
                continue
            index = self._next_match(person, step.when)
            if index is None:
                return
            self.answers_seen += 1
            if step.kind == "tap":
                self._tap(person, self.records[index], step.button(buttons(self.records[index])))
            else:
                person.after = index + 1
            person.position += 1

    def _consent(self, person: Person, step: Step) -> bool:
        """One pass over new messages of an enrolment; True once it is complete."""
        for index in [i for i in self.by_chat.get(person.chat, []) if i >= person.after]:
            record = self.records[index]
            if step.when(record):
                self.answers_seen += 1
                person.after = index + 1
                person.position += 1
                return True
            text = record.get("text") or ""
            if buttons(record) and text not in person.answered_texts:
                person.answered_texts.add(text)
                self.answers_seen += 1
                self._tap(person, record, step.button(buttons(record)))
                return False
        return False

    def stuck(self) -> str:
        """What the first person who did not finish saw and did (for a failure message)."""
        person = next((p for p in self.people if not p.finished), None)
        if person is None:
            return "everyone finished"
        seen = [
            (i, self.records[i]["text"], buttons(self.records[i])) for i in self.by_chat.get(person.chat, [])
        ]
        did = [p for p in self.pushed if p.chat == person.chat]
        where = f"{person.role} {person.chat} at step {person.position} after {person.after}"
        return f"{where}: saw {seen}, did {did}"

    def unanswered(self) -> int:
        """Updates pushed that no message has followed yet (being handled, or waiting to be)."""
        return sum(1 for p in self.pushed if not any(i >= p.after for i in self.by_chat.get(p.chat, [])))

    def waits(self) -> list[int]:
        """For every update pushed: how many messages (to anyone) went out before its first answer."""
        waits = []
        for pushed in self.pushed:
            first = min((i for i in self.by_chat.get(pushed.chat, []) if i >= pushed.after), default=None)
            if first is not None:
                waits.append(first - pushed.after)
        return waits

    def prompted(self) -> set[int]:
        return {int(r["chat_id"]) for r in self.records if is_prompt(r)}


def cast(rng: random.Random, codes: list[str], kills: int) -> list[Person]:
    """Who does what: about half answer their prompt, some write commands, the rest stay silent; those
    who enrol start in runs spread over the kills."""
    people: list[Person] = []
    for i in range(EXPIRED + 1, PEOPLE + 1):
        chat, language = CHAT_BASE + i, "de" if i % 2 else "en"
        luck = rng.random()
        if luck < 0.45:
            steps = [
                Step("tap", when=is_prompt, button=first_button),  # "📅 Appointment"
                Step("tap", when=has_done, button=done_button),
                Step("expect", when=no_buttons),  # thank you
            ]
            if rng.random() < 0.3:
                steps += [Step("say", text="/myweek"), Step("expect", when=not_prompt)]
            people.append(Person(chat, "answers", steps, language))
        elif luck < 0.6:
            steps = [
                Step("expect", when=is_prompt),
                Step("say", text="/help"),
                Step("expect", when=answers_help),
                Step("say", text="/settings"),
                Step("expect", when=not_prompt),
                Step("say", text="Hallo"),
                Step("expect", when=not_prompt),
            ]
            people.append(Person(chat, "writes", steps, language))
    for n, code in enumerate(codes):
        steps = [
            Step("say", text=f"/start {code}"),
            Step(
                "consent",
                when=lambda r: "Your pseudonym is P-" in (r.get("text") or ""),
                button=english_or_first,
            ),
            Step("say", text="/help"),
            Step("expect", when=answers_help),
        ]
        first_run = 1 + n * max(1, kills // ENROLLING)
        people.append(Person(ENROL_CHAT_BASE + n, "enrols", steps, "en", from_run=first_run))
    return people


def kill_moment(rng: random.Random, moment: str, driver: Driver) -> Callable[[], bool]:
    """When to kill the run that just started: during start-up (a delay), after some messages of the
    fan-out, after some replies in conversations (the next presses are then under way), or after a reply
    with the poll that would confirm the handled updates held back (they are then delivered again)."""
    spawned, sent, answers = time.monotonic(), len(driver.records), driver.answers_seen
    if moment == "start-up":
        delay = rng.uniform(0.5, 3.0)  # importing, opening the database, the first sweep, connecting
        return lambda: time.monotonic() - spawned >= delay
    if moment == "fan-out":
        wanted = sent + rng.randint(1, 30)
        return lambda: len(driver.records) >= wanted
    more = rng.randint(1, 8) if moment == "conversation" else 1
    return lambda: driver.answers_seen >= answers + more


def make_database(path: Path, now: datetime) -> None:
    seed(path, PEOPLE, now, spread=SPREAD)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE due SET due_at = ?, grace_until = ? WHERE participant_id <= ?",
            (to_db(now - timedelta(seconds=1)), to_db(now + timedelta(minutes=30)), AT_ONCE),
        )
        conn.execute(
            "UPDATE due SET due_at = ?, grace_until = ? WHERE participant_id <= ?",
            (to_db(now - timedelta(minutes=40)), to_db(now - timedelta(minutes=10)), EXPIRED),
        )
    conn.close()


def invitation(env: dict[str, str], log: Path) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "bot.cli", "invite", "--json"],
        cwd=log.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    code: str = json.loads(made.stdout)["code"]
    return code


def unfinished_work(database: Path) -> int:
    """Outbox rows not yet sent and due rows that should have been handled by now."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        waiting = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')"
        ).fetchone()
        due = conn.execute(
            "SELECT COUNT(*) FROM due WHERE status = 'pending' AND due_at <= ?",
            (to_db(datetime.now(UTC)),),
        ).fetchone()
    conn.close()
    return int(waiting[0]) + int(due[0])


MESSAGES = ("sendMessage", "sendPhoto")  # each from one outbox row (/myweek sends a picture, then its text)


def identity(record: Record) -> tuple[int, str, str]:
    """Same chat, text and buttons: button tokens are random per message, so only a message sent twice
    from the same outbox row looks the same."""
    return int(record["chat_id"]), str(record["text"]), json.dumps(record.get("reply_markup"), sort_keys=True)


def duplicates_by_run(records: list[Record], boundaries: list[int]) -> list[int]:
    """Copies of a message that had already arrived, counted in the run that sent them."""
    seen: set[tuple[int, str, str]] = set()
    per_run = [0] * (len(boundaries) + 1)
    for index, record in enumerate(records):
        if record["method"] not in MESSAGES:
            continue
        if identity(record) in seen:
            per_run[sum(1 for b in boundaries if index >= b)] += 1
        seen.add(identity(record))
    return per_run


async def test_twenty_sigkills_during_fanout_and_conversations(tmp_path: Path) -> None:
    await crash_story(tmp_path, MOMENTS, webhook=False)


async def test_sigkills_in_webhook_mode_lose_no_update(tmp_path: Path) -> None:
    await crash_story(tmp_path, WEBHOOK_MOMENTS, webhook=True)


async def crash_story(tmp_path: Path, kill_moments: dict[str, int], *, webhook: bool) -> None:
    """The story of the module docstring, with `kill_moments` kills, polling or serving a webhook."""
    kills = sum(kill_moments.values())
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    started = datetime.now(UTC)
    make_database(database, started)
    wanted_prompts = {CHAT_BASE + i for i in range(EXPIRED + 1, PEOPLE + 1)}
    last_due = started + SPREAD
    rng = random.Random(SEED)
    settings = {"sweep_seconds": "0.3", "bot_username": "companion_test_bot"}
    arguments: tuple[str, ...] = ("run",)
    if webhook:
        port = free_port()
        server = FakeServerProcess(webhook_target=f"http://127.0.0.1:{port}")
        settings |= {
            "webhook_url": f"https://bot.example.org{WEBHOOK_PATH}",
            "webhook_port": str(port),
            "webhook_secret": WEBHOOK_SECRET,
        }
        arguments = ("run", "--webhook")
    else:
        server = FakeServerProcess()
    env = bot_environment(database, server, **settings)
    logs = [tmp_path / f"run-{n:02d}.log" for n in range(kills + 1)]
    codes = [invitation(env, logs[0]) for _ in range(ENROLLING)]
    people = cast(rng, codes, kills)
    driver = Driver(server, people)
    boundaries: list[int] = []  # messages recorded when each kill happened
    plan = [moment for moment, times in kill_moments.items() for _ in range(times)]
    rng.shuffle(plan)
    moments = list(plan)
    unanswered_at_kill: list[int] = []
    bot: subprocess.Popen[bytes] | None = None
    began = time.monotonic()
    try:
        for run in range(kills):
            driver.run = run
            bot = start_bot(env, logs[run], *arguments)
            moment = plan[run]
            if not driver.drive(kill_moment(rng, moment, driver), TRIGGER_TIMEOUT):
                moments[run] += " (timed out)"
            if moment == "unconfirmed":
                # The next poll (which confirms what was handled) hangs and then fails without effect.
                hold = json.dumps({"method": "getUpdates", "seconds": 3, "record": False})
                server.control("faults", slow_next=hold)
                driver.drive(lambda: False, rng.uniform(0.5, 1.5))
            else:
                driver.drive(lambda: False, rng.uniform(0.0, 0.25))
            bot.send_signal(signal.SIGKILL)
            bot.wait(timeout=30)
            driver.round()  # people read what came and act (while the bot is down), so the next run's
            # moment counts only what that run does
            unanswered_at_kill.append(driver.unanswered())
            boundaries.append(server.control("stats")["sent"])
            server.control("faults", clear="true")

        driver.run = kills
        killing = time.monotonic() - began
        bot = start_bot(env, logs[kills], *arguments)

        def quiet() -> bool:
            return (
                all(person.finished for person in people)
                and wanted_prompts <= driver.prompted()
                and datetime.now(UTC) > last_due
                and server.control("stats")["pending_updates"] == 0
                and unfinished_work(database) == 0
            )

        assert driver.drive(quiet, 150), driver.stuck()
        driver.fetch()
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=60) == 0
        finishing = time.monotonic() - began - killing
    finally:
        if bot is not None and bot.poll() is None:
            bot.kill()
            bot.wait()
        server.stop()

    log_texts = [log.read_text() if log.exists() else "" for log in logs]
    (tmp_path / "sent.json").write_text(
        json.dumps(driver.records, ensure_ascii=False, indent=1)
    )  # to look into
    records = driver.records
    sent_messages = [r for r in records if r["method"] in MESSAGES]
    duplicates = duplicates_by_run(records, boundaries)
    waits = driver.waits()
    logged = [sum(text.count(line) for line in DUPLICATE_LINES) for text in log_texts]
    caused = duplicates[1:]  # a kill's duplicates are sent by the run after it
    print(
        f"\ncrash test ({'webhook' if webhook else 'polling'}): {kills} kills "
        f"({dict(Counter(m.split(' ')[0] for m in moments))}), "
        f"{len(sent_messages)} messages, {len(driver.pushed)} updates pushed, "
        f"{sum(1 for n in unanswered_at_kill if n)} kills with updates not yet answered "
        f"({sum(unanswered_at_kill)} updates), {sum(t.count('duplicate update') for t in log_texts)} "
        f"handled updates redelivered after a kill\n"
        f"duplicates per kill: mean {statistics.mean(caused):.2f}, max {max(caused)}, total {sum(caused)}\n"
        f"possible duplicates logged per kill: mean {statistics.mean(logged[1:]):.2f}, "
        f"max {max(logged[1:])}, total {sum(logged[1:])}\n"
        f"messages sent before the answer to an update: median {statistics.median(waits)}, max {max(waits)}\n"
        f"{killing:.0f} s of kills and restarts, then {finishing:.0f} s until all was done\n"
        f"moments: {moments}\nduplicates: {caused}\nlogged:     {logged[1:]}"
    )

    # (3) a message arrived twice only where the log of that run said it might
    for run, (found, said) in enumerate(zip(duplicates, logged, strict=True)):
        assert found <= said, (run, found, said)

    # (1) every due prompt arrived, from one due row handled once (copies aside); a row past its grace
    # window expired and sent nothing
    distinct = Counter(chat for chat, _, _ in {identity(r) for r in sent_messages})
    prompts = Counter(chat for chat, _, _ in {identity(r) for r in sent_messages if is_prompt(r)})
    assert set(prompts) == wanted_prompts
    assert {chat: n for chat, n in prompts.items() if n > 1} == {}
    assert not {CHAT_BASE + i for i in range(1, EXPIRED + 1)} & set(distinct)

    # (2) every update pushed was handled (after a redelivery if it was not confirmed) and answered
    async with await Database.open(database) as db, db.read() as tx:
        handled = {row[0] for row in await tx.all("SELECT update_id FROM handled_updates")}
        due_rows = await tx.all(  # the seeded rows (the planning job may have added some for tomorrow)
            "SELECT participant_id, status FROM due WHERE kind = 'checkin' AND participant_id <= ?"
            " AND due_at <= ?",
            (PEOPLE, to_db(last_due)),
        )
        overdue = await tx.scalar(
            "SELECT COUNT(*) FROM due WHERE status = 'pending' AND due_at <= ?", (to_db(datetime.now(UTC)),)
        )
        outbox_states = {row[0] for row in await tx.all("SELECT DISTINCT status FROM outbox")}
        checkin_rows = {
            row[0]: (row[1], json.loads(row[2]))
            for row in await tx.all(
                "SELECT p.chat_id, c.status, c.answers FROM checkins AS c"
                " JOIN participants AS p ON p.id = c.participant_id"
            )
        }
        enrolled = {
            row[0]: row[1]
            for row in await tx.all(
                "SELECT chat_id, status FROM participants WHERE chat_id >= ?", (ENROL_CHAT_BASE,)
            )
        }
        rows_sent = Counter(
            row[0]
            for row in await tx.all(
                "SELECT chat_id FROM outbox WHERE participant_id IS NOT NULL AND chat_id < ?"
                # a picture given up because it cannot be drawn here (no font): its text still went
                " AND NOT (status = 'dead' AND last_error = 'picture')",
                (ENROL_CHAT_BASE,),
            )
        )
        integrity = await tx.scalar("PRAGMA integrity_check")
        foreign = await tx.all("PRAGMA foreign_key_check")
    assert {p.update_id for p in driver.pushed} <= handled
    for pushed in driver.pushed:
        later = [i for i in driver.by_chat[pushed.chat] if i >= pushed.after]
        assert later, f"no answer to {pushed.what} in chat {pushed.chat}"
    for person in people:
        if person.role == "answers":
            assert checkin_rows[person.chat] == ("answered", {"plans": ["appointment"]}), person.chat
        elif person.role == "enrols":
            assert enrolled.get(person.chat) == "active"

    # every message the seeded people got is an outbox row, and every outbox row arrived
    assert rows_sent == +Counter({chat: n for chat, n in distinct.items() if chat < ENROL_CHAT_BASE})

    # (4) storage is consistent and nothing is left half done
    assert integrity == "ok"
    assert foreign == []
    assert outbox_states <= {"sent"}
    assert overdue == 0
    assert {status for pid, status in due_rows if pid <= EXPIRED} == {"expired"}
    assert {status for pid, status in due_rows if pid > EXPIRED} == {"done"}

    # (5) no run crashed or failed on anything
    for log, text in zip(logs, log_texts, strict=True):
        assert "Traceback" not in text, log.name
        assert " ERROR " not in text, (log.name, [line for line in text.splitlines() if " ERROR " in line])
