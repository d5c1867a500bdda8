"""Helpers for check-in tests: join with a schedule, move the clock in Berlin time, run the sweep."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.scheduler import Scheduler
from storage import due
from storage.due import DueItem
from tests.dialogs.enrolment_helpers import enrol
from tests.harness import Chat, Shown, World

BERLIN = ZoneInfo("Europe/Berlin")


async def join(
    w: World,
    chat: Chat,
    *,
    morning: str | None = "08:00",
    evening: str | None = "20:00",
    sharing: bool = False,
) -> None:
    """Enrol in English and answer the set-up by typing the times (None: "No ... check-in")."""
    await enrol(w, chat, sharing=sharing, set_up_later=False)
    if morning is None:
        await chat.tap("No morning check-in")
    else:
        await chat.send(morning)
    if evening is None:
        await chat.tap("No evening check-in")
    else:
        await chat.send(evening)


def at_berlin(text: str) -> datetime:
    """'2026-11-24 08:00' in Berlin as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


async def sweep(w: World) -> int:
    return await Scheduler(w.db, w.engine, w.clock).sweep()


async def when(w: World, chat: Chat, text: str) -> list[Shown]:
    """Set the clock to a Berlin time, run the planning job and the sweep (as the service would, the
    planning job daily), and return what the chat received."""
    w.clock.set(at_berlin(text))
    scheduler = Scheduler(w.db, w.engine, w.clock)
    await scheduler.plan()
    await scheduler.sweep()
    return await chat.receive()


async def pending(w: World, prefix: str = "") -> list[DueItem]:
    async with w.db.read() as tx:
        rows = await tx.all("SELECT DISTINCT participant_id FROM due")
        found: list[DueItem] = []
        for row in rows:
            found.extend(await due.for_participant(tx, row[0], key_prefix=prefix))
    return sorted(found, key=lambda item: item.due_at)


async def pending_keys(w: World, prefix: str = "") -> list[str]:
    return [item.key for item in await pending(w, prefix)]
