"""The scheduler's jobs: the sweep, daily planning, maintenance, and what a restart finds."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from benchmarks.seed import seed
from bot.delivery import Limits, OutboxWorker, Result, SendResult
from bot.scheduler import Scheduler, Timing
from dialogs.core.clock import FakeClock
from dialogs.core.config import EngineConfig
from dialogs.core.engine import Engine
from dialogs.core.turn import Turn
from dialogs.features import REGISTRY
from storage import (
    appointments,
    buttons,
    checkins,
    due,
    meta,
    outbox,
    participants,
    schedules,
    start_attempts,
    updates,
)
from storage.database import Database
from storage.due import DueItem
from storage.outbox import OutboxMessage
from tests.harness import record_consent

NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


class Collecting:
    def __init__(self) -> None:
        self.chats: list[int] = []

    async def send(self, message: OutboxMessage) -> SendResult:
        self.chats.append(message.chat_id)
        return SendResult(Result.SENT)


async def seeded(tmp_path: Path, people: int, due_at: datetime = NOW) -> tuple[Database, FakeClock, Engine]:
    path = tmp_path / "s.db"
    await (await Database.open(path)).close()
    seed(path, people, due_at)
    db = await Database.open(path)
    clock = FakeClock(NOW)
    return db, clock, Engine(db, clock, EngineConfig(), REGISTRY)


async def statuses(db: Database) -> dict[str, int]:
    async with db.read() as tx:
        rows = await tx.all("SELECT status, COUNT(*) FROM due WHERE kind = 'checkin' GROUP BY status")
    return {row[0]: row[1] for row in rows}


async def test_one_sweep_handles_more_rows_than_one_batch(tmp_path: Path) -> None:
    db, clock, engine = await seeded(tmp_path, 430)
    try:
        scheduler = Scheduler(db, engine, clock, Timing(sweep_batch=200, rows_per_transaction=25))
        assert await scheduler.sweep() == 430
        assert await statuses(db) == {"done": 430}
        async with db.read() as tx:
            assert await tx.scalar("SELECT COUNT(DISTINCT chat_id) FROM outbox") == 430
            assert await tx.scalar("SELECT COUNT(*) FROM due WHERE kind = 'nudge'") == 430
        assert await scheduler.sweep() == 0  # nothing twice
    finally:
        await db.close()


async def test_a_failing_handler_cancels_only_its_own_row(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, clock, engine = await seeded(tmp_path, 5)
    original = engine.registry.due["checkin"].handler

    async def flaky(turn: Turn, item: DueItem) -> None:
        await original(turn, item)
        if item.participant_id == 3:
            raise RuntimeError("boom")

    due_kinds = dict(engine.registry.due, checkin=replace(engine.registry.due["checkin"], handler=flaky))
    monkeypatch.setattr(engine, "registry", replace(engine.registry, due=due_kinds))
    try:
        assert await Scheduler(db, engine, clock).sweep() == 5
        async with db.read() as tx:
            rows = await tx.all("SELECT participant_id, status FROM due WHERE kind = 'checkin' ORDER BY 1")
            assert [tuple(r) for r in rows] == [
                (1, "done"),
                (2, "done"),
                (3, "cancelled"),
                (4, "done"),
                (5, "done"),
            ]
            # Its half-written prompt was rolled back with it: no message, no nudge, no open check-in.
            assert await tx.scalar("SELECT COUNT(*) FROM outbox WHERE participant_id = 3") == 0
            assert await tx.scalar("SELECT COUNT(*) FROM checkins WHERE participant_id = 3") == 0
        assert "due row 3 failed (RuntimeError) and was cancelled" in caplog.text
    finally:
        await db.close()


async def test_after_downtime_rows_within_grace_arrive_and_older_ones_expire(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await (await Database.open(path)).close()
    seed(path, 60, NOW - timedelta(minutes=59), spread=timedelta(minutes=60))  # one per minute
    db = await Database.open(path)
    clock = FakeClock(NOW)
    try:
        sender = Collecting()
        engine = Engine(db, clock, EngineConfig(grace_minutes=30), REGISTRY)
        await Scheduler(db, engine, clock).sweep()
        assert await statuses(db) == {"expired": 29, "done": 31}
        worker = OutboxWorker(db, sender, clock, Limits(global_rate=1000, per_chat_interval=0))
        await worker.drain()
        assert len(sender.chats) == 31
    finally:
        await db.close()


async def test_a_restart_resends_what_was_being_sent_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db, clock, engine = await seeded(tmp_path, 3)
    try:
        await Scheduler(db, engine, clock).sweep()
        async with db.transaction() as tx:
            first = (await outbox.due(tx, clock.now(), 1))[0]
            await outbox.mark_sending(tx, first.id)  # the process died while this one was under way
        sender = Collecting()
        worker = OutboxWorker(db, sender, clock, Limits(global_rate=1000, per_chat_interval=0))
        caplog.set_level(logging.WARNING)
        stop = asyncio.Event()
        run = asyncio.create_task(worker.run(stop))
        for _ in range(200):
            if len(sender.chats) == 3:
                break
            await asyncio.sleep(0.01)
        stop.set()
        worker.wake()
        await run
        assert sorted(sender.chats) == sorted(await chats(db))
        assert f"outbox {first.id} was being sent when the process stopped: possible duplicate" in caplog.text
        async with db.read() as tx:
            assert await outbox.counts_by_status(tx) == {"sent": 3}
    finally:
        await db.close()


async def chats(db: Database) -> list[int]:
    async with db.read() as tx:
        return [row[0] for row in await tx.all("SELECT chat_id FROM participants")]


async def test_daily_planning_fills_the_coming_days_for_everyone_active(tmp_path: Path) -> None:
    db, clock, engine = await seeded(tmp_path, 3, due_at=NOW + timedelta(days=30))
    try:
        async with db.transaction() as tx:
            await participants.set_status(tx, 2, participants.Status.STOPPED, NOW)
            person = await participants.create(tx, chat_id=99, locale="en", timezone="Europe/Berlin", now=NOW)
            await record_consent(
                tx, person.id, "checkins", NOW
            )  # check-ins are planned only with their consent
            await schedules.update(tx, person.id, NOW, morning=time(9))
        scheduler = Scheduler(db, engine, clock)
        await scheduler.plan()
        await scheduler.plan()  # twice is harmless
        async with db.read() as tx:
            rows = await tx.all(
                "SELECT participant_id, COUNT(*) FROM due WHERE status = 'pending' AND due_at < ?"
                " GROUP BY 1 ORDER BY 1",
                ("2026-12-01",),
            )
        # Seeded people (mornings at 08:00, it is 08:00): the next two mornings; nothing for the stopped one.
        assert [tuple(r) for r in rows] == [(1, 2), (3, 2), (person.id, 3)]
    finally:
        await db.close()


async def test_maintenance_deletes_what_is_no_longer_needed(tmp_path: Path) -> None:
    db, clock, engine = await seeded(tmp_path, 2, due_at=NOW - timedelta(days=10))
    old = NOW - timedelta(days=10)
    try:
        async with db.transaction() as tx:
            await due.settle(tx, 1, "done", old)
            for chat in (10_000_001, 555):
                message = await outbox.enqueue(
                    tx,
                    chat_id=chat,
                    participant_id=None if chat == 555 else 1,
                    text="x",
                    buttons=[],
                    attachment=None,
                    not_before=old,
                    now=old,
                )
                await outbox.mark_sending(tx, message)
                await outbox.mark_sent(tx, message, old)
            await updates.claim(tx, 1, old)
            await updates.claim(tx, 2, NOW)
            await start_attempts.record_failure(tx, 5, old)
            await buttons.mint(tx, chat_id=1, nonce=None, action="x", now=old, ttl=timedelta(hours=1))
            await checkins.open_prompt(tx, 1, "morning", old.date(), old + timedelta(hours=2))
            await checkins.save_answers(
                tx, 2, "evening", (NOW - timedelta(days=100)).date(), {"mood": 3}, old
            )
            await checkins.save_answers(tx, 2, "evening", NOW.date(), {"mood": 4}, NOW)
            for starts in (NOW - timedelta(days=200), NOW + timedelta(days=2)):
                await appointments.create(
                    tx,
                    participant_id=1,
                    starts_at=starts,
                    kind="doctor",
                    place=None,
                    note=None,
                    status="confirmed",
                    added_by="participant",
                    now=old,
                )
        counts = await Scheduler(db, engine, clock).maintain()
        assert counts == {
            "outbox": 1,  # the stranger's message left no row when it was sent
            "handled_updates": 1,
            "start_attempts": 1,
            "button_tokens": 1,
            "due": 1,
            "checkins_unanswered": 1,
            "checkins_past_retention": 1,
            "appointments_ended": 1,  # the one long past; the coming one stays
            "proposals_ended": 0,
            "coach_mails": 0,
            "selfreports_past_retention": 0,
            "signals": 0,
            "conversations": 0,
            "erased_after_leaving": 0,
            "silence_signals": 0,
        }
        async with db.read() as tx:
            assert await tx.scalar("SELECT COUNT(*) FROM checkins") == 1
            assert await tx.scalar("SELECT COUNT(*) FROM due") == 1  # the other row is still pending
            assert await meta.get(tx, "maintenance_at") is not None
    finally:
        await db.close()


async def test_started_jobs_sweep_at_once_and_stop_cleanly(tmp_path: Path) -> None:
    db, clock, engine = await seeded(tmp_path, 4)
    try:
        first = asyncio.Event()
        beats: list[int] = []

        async def heartbeat() -> None:
            beats.append(1)

        scheduler = Scheduler(db, engine, clock, Timing(sweep_seconds=0.05), first.set, heartbeat)
        scheduler.start()
        await asyncio.wait_for(first.wait(), timeout=10)
        await asyncio.sleep(0.2)
        await scheduler.stop()
        assert scheduler.sweeps >= 2 and scheduler.swept == 4 and beats
        assert await statuses(db) == {"done": 4}
    finally:
        await db.close()


async def test_stop_lets_a_running_job_finish_instead_of_cancelling_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the soak: APScheduler's shutdown cancelled a job mid-run and logged it as an error."""
    db, clock, engine = await seeded(tmp_path, 0)
    started, finished = asyncio.Event(), asyncio.Event()

    async def heartbeat() -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.set()

    scheduler = Scheduler(db, engine, clock, Timing(sweep_seconds=3600), heartbeat=heartbeat)
    caplog.set_level(logging.INFO)
    try:
        scheduler.start()
        await asyncio.wait_for(started.wait(), 10)
        await scheduler.stop()
        assert finished.is_set(), "the running job was cancelled"
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    finally:
        await db.close()
