"""Sentinels over the whole system: what participants are called and what they write or answer never
reaches a log line, a coach's chat, an organisation's webhook or an operator's command output.

One story with real processes where it matters: `companion run` (production logging at DEBUG, its whole
stderr kept) polls the fake Bot API on 127.0.0.1; an organisation's webhook is a local HTTP receiver that
keeps every request; the staff commands run as subprocesses on the same database. Participants whose
Telegram names are sentinels join through a coach's invitation, type sentinel text wherever text goes
(and where it does not), answer everything, raise every signal of the catalogue and meet errors: a wrong
invitation code, a database locked for a while, a Telegram 400, a chat that blocked the bot. Every planted
value contains `zxqsentinel`, so one case-insensitive search finds any of them, whole or in part.

The participant's own chat legitimately shows their own appointment; only staff- and operator-facing
outputs are searched for that, while names and text that was never meant to be kept are searched
everywhere, the participants' own chats and the database file included. Free text that is kept (the
appointment's place and note, self-report notes) is in the database file only sealed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dialogs.appointments.reminder_plan import REMINDER
from dialogs.signals.catalogue import SIGNAL_KINDS
from storage import due, participants, schedules
from storage.database import Database
from storage.sealing import new_key
from storage.times import to_db
from tests.fake_bot_api import FakeBotApi, SentMessage
from tests.webhook_receiver import serve_webhook

RAISED = [kind.key for kind in SIGNAL_KINDS]
pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

TOKEN = "4242:SENTINEL-TOKEN"
ROOT = Path(__file__).resolve().parents[2]
MARK = "zxqsentinel"  # in every planted value; searched case-insensitively
BERLIN = ZoneInfo("Europe/Berlin")

COACH = 8_100_000_001
ANNA, BEN, STRANGER = 7_319_842_001, 7_319_842_002, 7_319_842_003  # numeric chat ids identify a person


def names(tag: str) -> dict[str, str]:
    """Telegram's names for a person: sent with every update, never to be kept or shown to anyone."""
    return {
        "first_name": f"Zxqsentinel{tag}First",
        "last_name": f"Zxqsentinel{tag}Last",
        "username": f"zxqsentinel_{tag.lower()}",
    }


# Answers whose words would betray the raw value if they reached staff (labels and stored codes).
ANSWER_WORDS = ("Very bad", "Less than 4 hours", "under_4", "prefer not to say", "prefer_not", "Very much")


@dataclass
class Receiver:
    """An organisation's webhook endpoint: keeps every request's headers and body."""

    port: int = 0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def bodies(self) -> list[dict[str, object]]:
        return [json.loads(body) for _, body in self.requests]

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        self.requests.append((headers, body))
        return 200

    def kinds(self) -> set[str]:
        """Signal kinds posted; the end of participation is a post of its own type (the team inbox's item and
        connection posts are left out: they carry no kind)."""
        return {
            str(body["kind"] or body["type"])
            for body in self.bodies()
            if body["type"] in ("signal", "participation_ended")
        }


@contextlib.contextmanager
def receiving() -> Iterator[Receiver]:
    state = Receiver()
    with serve_webhook(state.handle) as port:
        state.port = port
        yield state


@dataclass
class Story:
    server: FakeBotApi
    receiver: Receiver
    env: dict[str, str]
    database: Path
    log: Path
    outputs: dict[str, str] = field(default_factory=dict)  # operator command -> its stdout and stderr

    async def companion(self, *args: str) -> str:
        """A `companion` command as an operator runs it; its output is kept for the search."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            *args,
            cwd=self.env["HOME"],
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        text = out.decode() + err.decode()
        self.outputs[" ".join(args)] = text
        assert process.returncode == 0, (args, text)
        return out.decode()

    def mark(self) -> int:
        return len(self.server.sent)

    async def expect(self, chat: int, contains: str, start: int = 0, timeout: float = 20.0) -> SentMessage:
        return await self.server.async_wait_for(
            lambda m: m.chat_id == chat and contains in (m.text or ""), timeout=timeout, start=start
        )

    async def say(self, chat: int, text: str, then: str, **user: str) -> SentMessage:
        start = self.mark()
        self.server.push_message(chat, text, language_code="en", **user)  # type: ignore[arg-type]
        return await self.expect(chat, then, start)

    async def tap(self, chat: int, label: str, then: str, **user: str) -> SentMessage:
        data = await self.button(chat, label)
        start = self.mark()
        self.server.push_callback(chat, data, language_code="en", **user)  # type: ignore[arg-type]
        return await self.expect(chat, then, start)

    async def button(self, chat: int, label: str, timeout: float = 20.0) -> str:
        """The newest button in the chat whose label contains `label` (waiting for it to arrive)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.server.messages_to(chat)):
                for line in message.buttons:
                    for text, data in line:
                        if label in text and data is not None:
                            return data
            await asyncio.sleep(0.05)
        raise AssertionError(f"no button {label!r} for chat {chat}")

    async def invitation(self) -> str:
        """A fresh invitation from the coach's /invite: the code in the link it shows."""
        link = await self.say(COACH, "/invite", "?start=")
        found = re.search(r"\?start=([\w-]+)", link.text or "")
        assert found
        return found.group(1)

    async def join(self, chat: int, code: str, user: dict[str, str]) -> tuple[str, str]:
        """Join with a coach's invitation, allowing everything; the internal pseudonym (the welcome names
        it) and the one the coach's organisation knows."""
        start = self.mark()
        await self.say(chat, f"/start {code}", "Please choose your language.", **user)
        await self.tap(chat, "English", "It changes nothing about your", **user)
        await self.tap(chat, "Next ▶", "What I store", **user)  # the introduction, page by page
        await self.tap(chat, "Next ▶", "Telegram is a separate company", **user)
        await self.tap(chat, "Next ▶", "May I send you check-ins", **user)
        await self.tap(chat, "Yes, I agree", "May I store your answers", **user)
        await self.tap(chat, "Yes", "The signals could be:", **user)
        welcome = await self.tap(chat, "Yes", "Your pseudonym is P-", **user)
        found = re.search(r"P-[0-9A-Z]{4}", welcome.text or "")
        assert found
        await self.say(chat, "08:00", "And in the evening?", **user)
        await self.tap(chat, "No evening check-in", "What would you like to do?", **user)
        notice = await self.expect(COACH, "is now connected with you", start)
        seen = re.search(r"P-[0-9A-Z]{4}", notice.text or "")
        assert seen and seen.group(0) != found.group(0)
        return found.group(0), seen.group(0)

    async def in_db(self, work: Callable[[Database], Awaitable[None]]) -> None:
        """Change the database as time would (the bot keeps running on it)."""
        async with await Database.open(self.database) as db:
            await work(db)


@contextlib.asynccontextmanager
async def story(tmp_path: Path) -> AsyncIterator[Story]:
    database = tmp_path / "companion.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server, receiving() as receiver:
        env.update(
            {
                "COMPANION_TELEGRAM_TOKEN": TOKEN,
                "COMPANION_TELEGRAM_API_URL": server.base_url,
                "COMPANION_BOT_USERNAME": "companion_test_bot",
                "COMPANION_DATABASE": str(database),
                "COMPANION_ENCRYPTION_KEYS": new_key(),
                "COMPANION_DEFAULT_LOCALE": "en",
                "COMPANION_LOG_LEVEL": "DEBUG",
                "COMPANION_SWEEP_SECONDS": "0.3",
                "COMPANION_PER_CHAT_INTERVAL": "0",
                "COMPANION_GLOBAL_RATE": "1000",
                "HOME": str(tmp_path),
                "PYTHONPATH": str(ROOT),
            }
        )
        yield Story(server, receiver, env, database, tmp_path / "companion-run.log")


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def odd_updates(chat: int, user: dict[str, str]) -> list[dict[str, object]]:
    """Updates that are not plain text, each carrying sentinels: an edit, a captioned photo, a contact."""
    sender = {"id": chat, "is_bot": False, "language_code": "en", **user}
    base = {"date": 0, "chat": {"id": chat, "type": "private", **user}, "from": sender}
    photo = [{"file_id": "zxqsentinelfile", "file_unique_id": "zxqsentinelu", "width": 1, "height": 1}]
    contact = {"phone_number": "+49151zxqsentinel", "first_name": "Zxqsentinelcontact", "user_id": chat}
    return [
        {"edited_message": {**base, "message_id": 9001, "edit_date": 1, "text": "Zxqsentineledited"}},
        {"message": {**base, "message_id": 9002, "photo": photo, "caption": "Zxqsentinelcaption"}},
        {"message": {**base, "message_id": 9003, "contact": contact}},
    ]


def hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> None:
    """Another process's long write transaction: every write of the bot waits, then fails."""
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def make_due_now(s: Story, chat: int, kind: str, key: str | None = None, **payload: str) -> None:
    """Bring a promise forward to now (or make one), with no quiet hours in the way."""

    async def work(db: Database) -> None:
        async with db.transaction() as tx:
            person = await participants.by_chat(tx, chat)
            assert person is not None
            now = datetime.now(UTC)
            await schedules.update(
                tx, person.id, now, quiet_start=datetime.min.time(), quiet_end=datetime.min.time()
            )
            if key is not None:
                await due.replace(
                    tx, participant_id=person.id, kind=kind, key=key, due_at=now, now=now, payload=payload
                )
                return
            first = await tx.scalar(
                "SELECT MIN(id) FROM due WHERE participant_id = ? AND kind = ? AND status = 'pending'",
                (person.id, kind),
            )
            assert first is not None, f"no pending {kind} for {chat}"
            await tx.execute(
                "UPDATE due SET due_at = ?, grace_until = ? WHERE id = ?",
                (to_db(now), to_db(now + timedelta(minutes=30)), first),
            )

    await s.in_db(work)


async def test_no_name_text_or_answer_reaches_staff_operators_or_logs(tmp_path: Path) -> None:
    async with story(tmp_path) as s:
        anna, ben, stranger = names("Anna"), names("Ben"), names("Stranger")

        # -- staff set up an organisation with a webhook and a coach, as the README tells them --------------
        await s.companion("org", "add", "--name", "Jobcenter Musterstadt", "--webhook-url", s.receiver.url)
        coach_code = await s.companion(
            "coach", "add", "--org", "Jobcenter Musterstadt", "--name", "Anna Coach"
        )
        coach_code = coach_code.split()[-1]
        with s.log.open("wb") as log_file:
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                cwd=s.env["HOME"],
                env=s.env,
                stdout=log_file,
                stderr=log_file,
            )
        try:
            await wait_until(lambda: bool(s.server.stats.requests.get("getUpdates")), "polling", 60)
            await s.say(COACH, f"/start {coach_code}", "This chat is now your coach access")

            # -- a stranger with a wrong code, then two participants with the coach's invitations ------------
            await s.say(STRANGER, "/start Zxqsentinelcode-wrong", "invitation", **stranger)
            internal, pseudonym = await s.join(ANNA, await s.invitation(), anna)
            _, ben_pseudonym = await s.join(BEN, await s.invitation(), ben)
            assert pseudonym != ben_pseudonym

            # -- text where none is expected, forged buttons, an oversized answer -------------------------
            # At the menu typed words are a search of /info (what it finds varies): wait for any answer.
            await s.say(ANNA, "Zxqsentinelunexpected what now?", "", **anna)
            for forged in (
                "Zxqsentinelforged",
                "appt:Zxqsentinelforged:1",
                "ack:seen:zxqsentinel",
                "checkin:1:zxqsentinel",
            ):
                start = s.mark()
                s.server.push_callback(ANNA, forged, language_code="en", **anna)  # type: ignore[arg-type]
                await s.expect(ANNA, "This question is closed.", start)

            answers = ("I cannot read changed messages", "I can only read text", "I can only read text")
            for number, (update, answer) in enumerate(zip(odd_updates(ANNA, anna), answers, strict=True)):
                start = s.mark()
                s.server.push_update({"update_id": 90_000 + number, **update})
                await s.expect(ANNA, answer, start)

            # -- an appointment with a place and a note; Telegram refuses the message that shows it ---------
            await s.say(ANNA, "/appointments", "appointments", **anna)
            await s.tap(ANNA, "➕", "Which day is the appointment?", **anna)
            day = (datetime.now(BERLIN) + timedelta(days=10)).strftime("%d.%m.%Y")
            await s.say(ANNA, day, "At what time", **anna)
            await s.say(ANNA, "10:00", "What kind of appointment is it?", **anna)
            await s.tap(ANNA, "Doctor", "Where is it?", **anna)
            await s.say(ANNA, "Zxqsentineloversized " * 200, "too long", **anna)
            await s.say(ANNA, "Zxqsentinelplace, Hauptstr. 1", "short note", **anna)
            s.server.faults.fail_next("sendMessage", 400, description="Bad Request: can't parse entities")
            await s.say(ANNA, "Zxqsentinelnote bring the letter", "Saved.", **anna)

            # -- a check-in with "something else", and words typed into it --------------------------------
            today = datetime.now(BERLIN).date()
            await make_due_now(s, ANNA, "checkin", f"checkin:morning:{today}", slot="morning", day=str(today))
            await s.expect(ANNA, "What is on today?")
            await s.say(ANNA, "Zxqsentinelcheckin I will see a friend", "", **anna)
            start = s.mark()
            s.server.push_callback(ANNA, await s.button(ANNA, "Something else"), language_code="en", **anna)  # type: ignore[arg-type]
            await s.server.async_wait_for(
                lambda m: m.chat_id == ANNA and any("✓ ✏️" in label for row in m.buttons for label, _ in row),
                timeout=20,
                start=start,
            )
            await s.tap(ANNA, "Done", "Thank you! I wish you a good day.", **anna)

            # -- the mood rule, three low reports with a private note each -----------------------------------
            await s.say(ANNA, "/privacy", "Your choices", **anna)
            await s.tap(ANNA, "Change the rules for my coach", "Rules for telling your coach", **anna)
            await s.tap(
                ANNA, "tell my coach if my mood is low", "Saved: Tell my coach if my mood is low", **anna
            )
            await s.say(ANNA, "/privacy", "Your choices", **anna)
            for scope in ("On how many days", "Whether your mood", "Your upcoming appointments"):
                await s.tap(ANNA, f"Turn on: {scope}", "May Jobcenter Musterstadt see", **anna)
                await s.tap(ANNA, "Yes", "Your choices", **anna)  # shown again, with the scope on
            for number in range(3):
                await s.say(ANNA, "/report", "How is your mood today?", **anna)
                await s.tap(ANNA, "Very bad", "How long did you sleep", **anna)
                await s.tap(ANNA, "Less than 4 hours", "craving", **anna)
                await s.tap(ANNA, "8", "alcohol or drugs", **anna)
                await s.tap(ANNA, "I prefer not to say", "stressed", **anna)
                await s.tap(ANNA, "Very much", "anything else", **anna)
                await s.say(ANNA, f"Zxqsentinelreport{number} slept badly", "I saved your answers", **anna)

            # -- crisis words with a sentinel; then a contact request -------------------------------------
            await s.say(ANNA, "Zxqsentinelcrisis I want to die", "You are not alone", **anna)
            await s.tap(ANNA, "Please contact me", "would like to be contacted", **anna)

            # -- the database is locked by another process for longer than the bot waits ----------------
            locked = threading.Event()
            holder = threading.Thread(target=hold_write_lock, args=(s.database, 6.5, locked))
            holder.start()
            await asyncio.to_thread(locked.wait, 10)
            await s.say(
                ANNA, "Zxqsentinellocked I want to die", "I have a technical problem right now", **anna
            )
            s.server.push_message(ANNA, "Zxqsentinellockedtext hello", language_code="en", **anna)  # type: ignore[arg-type]
            await asyncio.to_thread(holder.join)

            # -- an appointment reminder: a new date, and help to get there --------------------------------
            await make_due_now(s, ANNA, REMINDER)
            await s.expect(ANNA, "⏰ Your appointment (Doctor)", timeout=30)
            await s.tap(ANNA, "I need a new date", "short signal that you need a new date", **anna)
            await s.tap(ANNA, "I need help to get there", "", **anna)
            await s.tap(ANNA, "Interpreter", "then tap Done", **anna)
            await s.tap(ANNA, "Done", "need help to get there: Interpreter", **anna)

            # -- a pause ---------------------------------------------------------------------------------
            await s.say(ANNA, "/pause", "For how many days", **anna)
            await s.tap(ANNA, "3 days", "I am pausing your check-ins", **anna)

            # -- Ben's silence rule fires after two quiet days (the operator's daily upkeep) -----------------
            await s.say(BEN, "/privacy", "Your choices", **ben)
            await s.tap(BEN, "Change the rules for my coach", "Rules for telling your coach", **ben)
            await s.tap(BEN, "tell my coach if I have not checked in", "After how many days", **ben)
            await s.tap(BEN, "2 days", "Saved: Tell my coach if I have not checked in", **ben)

            async def backdate(db: Database) -> None:
                async with db.transaction() as tx:
                    three_days_ago = to_db(datetime.now(UTC) - timedelta(days=3))
                    await tx.execute("UPDATE signal_rules SET since = ?", (three_days_ago,))

            await s.in_db(backdate)
            assert "raised 1 no-check-in signals" in await s.companion("purge")

            # -- Ben blocks the bot; the coach proposes an appointment that cannot be delivered ------------
            s.server.block(BEN)
            await s.say(COACH, "/appointment", "For whom is the appointment?")
            await s.tap(COACH, ben_pseudonym, "What kind of appointment?")
            await s.tap(COACH, "Doctor", "Which day?")
            await s.say(COACH, day, "At what time?")
            await s.say(COACH, "11:00", "They are asked to confirm it.")
            await s.tap(COACH, "Yes, propose it", "Proposed.")
            await wait_until(lambda: "unreachable" in s.receiver.kinds(), "the unreachable signal", 30)

            # -- Anna's copy of her data, then she stops ----------------------------------------------------
            start = s.mark()
            s.server.push_message(ANNA, "/mydata", language_code="en", **anna)  # type: ignore[arg-type]
            export = await s.server.async_wait_for(
                lambda m: m.chat_id == ANNA and m.document_filename is not None, timeout=20, start=start
            )

            # -- the coach's day: the digest, answers to alerts, the caseload, one case --------------------
            async def digest_now(db: Database) -> None:
                async with db.transaction() as tx:
                    first = await tx.scalar(
                        "SELECT MIN(id) FROM due WHERE coach_id IS NOT NULL AND kind = 'digest' "
                        "AND status = 'pending'"
                    )
                    now = datetime.now(UTC)
                    await tx.execute(
                        "UPDATE due SET due_at = ?, grace_until = ? WHERE id = ?",
                        (to_db(now), to_db(now + timedelta(hours=1)), first),
                    )

            start = s.mark()
            await s.in_db(digest_now)
            await s.expect(COACH, "Your daily summary", timeout=30)
            await s.expect(COACH, "Messages cannot be delivered", start)  # the digest's last signal
            await s.tap(COACH, "I will get in touch", "Noted")
            await s.tap(COACH, "Seen", "Noted")
            await s.say(COACH, "/cases", "Tap a pseudonym")
            await s.tap(COACH, pseudonym, f"Participant {pseudonym}")
            await s.say(COACH, f"/case {ben_pseudonym}", f"Participant {ben_pseudonym}")
            await s.say(COACH, "Zxqsentinelcoach typed by the coach", "")
            await s.say(ANNA, "/stop", "You have stopped.", **anna)
            await s.expect(COACH, f"{pseudonym}: participation ended.")
            await wait_until(lambda: len(s.receiver.requests) >= len(RAISED), "every webhook post", 30)
        finally:
            if bot.returncode is None:
                bot.terminate()
            await asyncio.wait_for(bot.wait(), timeout=30)

        # -- the operator's commands, on the same database -----------------------------------------------
        month = datetime.now(UTC).strftime("%Y-%m")
        earlier = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        stats_text = await s.companion("stats")
        stats_csv = await s.companion("stats", "--csv")
        await s.companion("stats", "--from", month, "--to", month)
        await s.companion("stats", "--from", earlier, "--csv")
        await s.companion("stats", "--to", month)
        await s.companion("status")
        audit_text = await s.companion("audit", "verify")
        await s.companion("audit", "head")
        await s.companion("coach", "list")
        await s.companion("org", "list")
        log_text = s.log.read_text()

    # -- the story happened -------------------------------------------------------------------------------
    coach_texts = [m.text or "" for m in s.server.messages_to(COACH)]
    alerts = [t for t in coach_texts if re.match(r"^[🔴🟡] P-[0-9A-Z]{4}: ", t)]
    shown = "\n".join(alerts)
    assert "Used the crisis help" not in shown  # crisis words tell no coach; only the tap that followed did
    for label in (
        "Asked to be contacted",
        "Mood low on 3 of the last 5 reports",
        "Needs a new date for an appointment",
        "Needs help to get to an appointment: an interpreter",
        "Paused the companion until",
        "No check-in",
        "Messages cannot be delivered",
    ):
        assert label in shown, (label, shown)
    assert any(f"{pseudonym}: participation ended" in t for t in coach_texts)
    case = next(t for t in coach_texts if t.startswith(f"Participant {pseudonym}"))
    assert "Upcoming appointments:" in case and "Mood:" in case, case  # what she allowed, no more
    assert s.receiver.kinds() == set(RAISED), s.receiver.kinds()
    assert all(body["organisation"] == "Jobcenter Musterstadt" for body in s.receiver.bodies())
    assert "signals_total" in stats_text and "enrolled" in stats_csv
    total = dict(
        zip(stats_csv.splitlines()[0].split(","), stats_csv.splitlines()[-1].split(","), strict=True)
    )
    assert total["month"] == "total"
    assert all(total[column] not in ("0", "") for column in ("offered", "enrolled", "signals_total")), total
    entries = re.search(r"intact: (\d+) entries", audit_text)
    assert entries and int(entries.group(1)) >= 20, audit_text
    assert "Telegram refused outbox" in log_text  # the 400 happened
    assert "crisis input answered directly" in log_text  # the lock happened
    assert internal in log_text and pseudonym not in log_text  # logs speak of internal pseudonyms ...
    for said in ("What would you like to do?", "Your pseudonym is", "You are not alone", "Place:"):
        assert said not in log_text  # ... and of event kinds, never of message text

    # -- and nothing leaked --------------------------------------------------------------------------------
    webhook = [json.dumps(headers) + body.decode() for headers, body in s.receiver.requests]
    coach_seen = [
        json.dumps({"text": m.text, "buttons": m.buttons}, ensure_ascii=False)
        for m in s.server.messages_to(COACH)
    ]
    staff_and_operators = {
        "log of companion run": [log_text],
        "coach chat": coach_seen,
        "webhook": webhook,
        **{f"companion {command}": [output] for command, output in s.outputs.items()},
    }
    private = [MARK, *(str(chat) for chat in (ANNA, BEN, STRANGER)), *ANSWER_WORDS]
    for where, texts in staff_and_operators.items():
        for text in texts:
            for secret in private:
                found = [line for line in text.splitlines() if secret.lower() in line.lower()]
                assert not found, f"{secret!r} in {where}: {found[:3]}"
    # The coach's organisation knows Anna only by its own pseudonym, never by the internal one.
    assert not [t for t in coach_seen + webhook if internal in t]

    # Names and words that were never meant to be kept: not even in the participants' own chats or the file.
    never_kept = [
        *anna.values(),
        *ben.values(),
        *stranger.values(),
        "Zxqsentinelunexpected",
        "Zxqsentinelforged",
    ]
    never_kept += ["Zxqsentineloversized", "Zxqsentinelcheckin", "Zxqsentinelcrisis", "Zxqsentinellocked"]
    never_kept += ["Zxqsentinelcode", "Zxqsentineledited", "Zxqsentinelcaption", "Zxqsentinelcontact"]
    own_chats = [json.dumps(m.to_json(), ensure_ascii=False) for m in s.server.sent if m.chat_id != COACH]
    wal = s.database.with_name(s.database.name + "-wal")
    raw = s.database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert export.document_bytes is not None
    for secret in never_kept:
        assert all(secret.lower() not in text.lower() for text in own_chats), secret
        assert secret.lower().encode() not in raw.lower(), secret
        assert secret.lower().encode() not in export.document_bytes.lower(), secret
    # Names are never stored; self-report notes and the appointment's place and note only sealed.
    for secret in (*anna.values(), "Zxqsentinelreport", "Zxqsentinelplace", "Zxqsentinelnote"):
        assert secret.lower().encode() not in raw.lower(), secret
    for secret in (b"Zxqsentinelplace", b"Zxqsentinelnote"):
        assert secret in export.document_bytes  # her own data is hers: the export has it, opened
