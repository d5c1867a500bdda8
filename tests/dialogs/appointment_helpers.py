"""Shared steps for the appointment tests: enrol someone, add an appointment, let time pass."""

from __future__ import annotations

from datetime import datetime

from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine
from dialogs.features import REGISTRY
from storage import due
from storage.database import Database
from storage.due import DueItem
from storage.participants import Participant, by_chat
from storage.sealing import new_key
from storage.times import from_db
from tests.harness import Chat, Shown, World

KEYED = EngineConfig(encryption_keys=(new_key(),))  # place and note are asked only with a key

CONSENT = {
    "English": ("Yes, I agree", "No", "Yes"),
    "Deutsch": ("Ja, einverstanden", "Nein", "Ja"),
}


async def enrol(w: World, chat_id: int = 1001, *, share: bool = True, language: str = "English") -> Chat:
    """A participant who agreed to reminders, not to storing self-reports, and to sharing if `share`."""
    chat = w.chat(chat_id, "de" if language == "Deutsch" else "en")
    agree, no, yes = CONSENT[language]
    await chat.send("/start " + await w.invitation())
    await chat.tap(language)
    await chat.tap(agree)
    await chat.tap(no)
    await chat.tap(yes if share else no)
    await chat.tap(no)  # crisis alerts
    await chat.tap("Set up later" if language == "English" else "Später einrichten")  # the check-in times
    return chat


async def add(
    chat: Chat,
    day: str,
    at: str,
    kind: str = "Doctor",
    place: str | None = None,
    note: str | None = None,
    skip: str = "Skip",
) -> None:
    """Add an appointment by typing the day and time (buttons are tested on their own).

    Place and note are given when the bot asks for them (only with a key); else their steps are skipped."""
    await begin_adding(chat, day, at, kind)
    for text in (place, note):
        if skip not in chat.last.labels:
            assert text is None, "place and note are asked only when a key is configured"
            return
        if text is None:
            await chat.tap(skip)
        else:
            await chat.send(text)


async def begin_adding(chat: Chat, day: str, at: str, kind: str = "Doctor") -> None:
    """Start adding an appointment: /appointments, "➕", the day and time typed, the kind tapped. With a key
    the place question comes next; without one the appointment is saved."""
    await chat.send("/appointments")
    await chat.tap("➕")
    await chat.send(day)
    await chat.send(at)
    await chat.tap(kind)


async def participant(w: World, chat: Chat) -> Participant:
    async with w.db.read() as tx:
        found = await by_chat(tx, chat.chat_id)
    assert found is not None
    return found


async def pending(w: World, chat: Chat, kind: str | None = None) -> list[DueItem]:
    who = await participant(w, chat)
    async with w.db.read() as tx:
        rows = await due.for_participant(tx, who.id, key_prefix="appt:")
    return [row for row in rows if kind is None or row.kind == kind]


async def run_until(w: World, chat: Chat, moment: datetime) -> list[tuple[datetime, Shown]]:
    """Let time pass to `moment`, running each due row when it comes up; what arrived, and when."""
    arrived: list[tuple[datetime, Shown]] = []
    for _ in range(200):
        async with w.db.read() as tx:
            first = await tx.scalar("SELECT MIN(due_at) FROM due WHERE status = 'pending'")
        if first is None or from_db(first) > moment:
            break
        w.clock.set(max(from_db(first), w.clock.now()))
        await w.sweep()
        arrived += [(w.clock.now(), shown) for shown in await chat.receive()]
    else:
        raise AssertionError("due rows never settled")
    w.clock.set(moment)
    return arrived


async def restart(w: World) -> None:
    """The process stops (nothing in memory survives) and starts again on the same database file."""
    await w.db.close()
    w.db = await Database.open(w.path)
    w.engine = Engine(w.db, w.clock, w.engine.config, REGISTRY)


def use_keys(w: World, *keys: str) -> None:
    """The operator changes COMPANION_ENCRYPTION_KEYS and restarts."""
    w.engine = Engine(w.db, w.clock, EngineConfig(encryption_keys=keys), REGISTRY)


async def appointment_rows(w: World) -> list[dict[str, object]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT * FROM appointments ORDER BY id")
    return [dict(row) for row in rows]


async def signal_rows(w: World) -> list[tuple[str, str | None]]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT kind, category FROM signals ORDER BY id")
    return [(row["kind"], row["category"]) for row in rows]


def plain(value: str | list[str]) -> str:
    """Babel writes English times with a narrow no-break space ("10:00\u202fAM"); compare them as spaces."""
    text = "\n".join(value) if isinstance(value, list) else value
    return text.replace("\u202f", " ")
