"""The outbox worker: order per chat, retries, Telegram's 429, blocked users, rejected messages."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import deque
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from bot.delivery import Limits, OutboxWorker, Result, SendResult
from dialogs.core.clock import FakeClock
from storage import coaches, organisations, outbox, participants
from storage.database import Database, Tx
from storage.outbox import OutboxMessage
from tests.harness import record_consent
from tests.outbox_helpers import NOW, put


class ScriptedSender:
    """Answers each send with the next scripted outcome (then success) and records what went out."""

    def __init__(self, *script: SendResult) -> None:
        self.script = deque(script)
        self.delivered: list[str] = []

    async def send(self, message: OutboxMessage) -> SendResult:
        outcome = self.script.popleft() if self.script else SendResult(Result.SENT)
        if outcome.result is Result.SENT:
            self.delivered.append(message.text)
        return outcome


async def setup(
    tmp_path: Path, sender: ScriptedSender, texts: list[str]
) -> tuple[Database, OutboxWorker, FakeClock]:
    db = await Database.open(tmp_path / "c.db")
    clock = FakeClock(NOW)
    async with db.transaction() as tx:
        person = await participants.create(tx, chat_id=7, locale="de", timezone="Europe/Berlin", now=NOW)
        for text in texts:
            await put(tx, 7, text, participant_id=person.id)
    worker = OutboxWorker(db, sender, clock, Limits(global_rate=1000, per_chat_interval=0))
    return db, worker, clock


async def states(db: Database) -> list[str]:
    async with db.read() as tx:
        return [row[0] for row in await tx.all("SELECT status FROM outbox ORDER BY id")]


async def test_messages_to_one_chat_arrive_in_order(tmp_path: Path) -> None:
    sender = ScriptedSender()
    db, worker, _ = await setup(tmp_path, sender, ["one", "two", "three"])
    await worker.drain()
    assert sender.delivered == ["one", "two", "three"]
    assert await states(db) == ["sent"] * 3
    async with db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM outbox WHERE text IS NOT NULL") == 0  # content cleared
    await db.close()


async def test_network_trouble_is_retried_later_and_nothing_overtakes(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.RETRY, error="network"))
    db, worker, clock = await setup(tmp_path, sender, ["first", "second"])
    await worker.drain()
    assert sender.delivered == [] and await states(db) == ["pending", "pending"]
    clock.advance(timedelta(seconds=5))
    await worker.drain()
    assert sender.delivered == ["first", "second"]
    await db.close()


async def test_429_waits_what_telegram_said(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.RATE_LIMITED, retry_after=7))
    db, worker, clock = await setup(tmp_path, sender, ["hello"])
    worker.pacer.pause = lambda seconds: None  # type: ignore[method-assign]  # no real waiting in a test
    await worker.drain()
    clock.advance(timedelta(seconds=6))
    await worker.drain()
    assert sender.delivered == []
    clock.advance(timedelta(seconds=2))
    await worker.drain()
    assert sender.delivered == ["hello"]
    await db.close()


async def test_a_blocked_bot_marks_the_person_unreachable_and_stops_every_send(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.BLOCKED, error="403"))
    db, worker, _ = await setup(tmp_path, sender, ["one", "two"])
    await worker.drain()
    assert sender.delivered == []
    assert await states(db) == ["dead"]  # the second was withdrawn, not left waiting
    async with db.read() as tx:
        person = await participants.by_chat(tx, 7)
    assert person is not None and person.status.value == "unreachable"
    await db.close()


async def test_a_rejected_message_is_dead_and_the_next_goes_on(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.REJECTED, error="400"))
    db, worker, _ = await setup(tmp_path, sender, ["bad", "good"])
    await worker.drain()
    assert sender.delivered == ["good"] and await states(db) == ["dead", "sent"]
    await db.close()


async def test_a_row_left_sending_by_a_killed_process_is_sent_again(tmp_path: Path) -> None:
    sender = ScriptedSender()
    db, worker, _ = await setup(tmp_path, sender, ["interrupted"])
    async with db.transaction() as tx:
        await outbox.mark_sending(tx, 1)
    assert await worker.recover() == [1]
    await worker.drain()
    assert sender.delivered == ["interrupted"]
    await db.close()


async def test_blocked_raises_the_unreachable_signal_only_with_sharing_consent(tmp_path: Path) -> None:
    for granted, expected in ((True, [("unreachable",)]), (False, [])):
        sender = ScriptedSender(SendResult(Result.BLOCKED, error="403"))
        path = tmp_path / ("on" if granted else "off")
        path.mkdir()
        db, worker, _ = await setup(path, sender, ["one"])
        async with db.transaction() as tx:
            # Linked to a coach whose organisation is allowed (or not) to receive short signals.
            organisation = await organisations.create(
                tx, name="Jobcenter", region=None, webhook_url=None, now=NOW
            )
            coach = await coaches.create(
                tx,
                organisation_id=organisation.id,
                name="Anna",
                locale="de",
                timezone="Europe/Berlin",
                now=NOW,
            )
            await coaches.activate(tx, coach.coach.id, 900, NOW)
            await coaches.link(tx, 1, coach.coach.id, NOW)
            await tx.execute(
                "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at,"
                " organisation_id) SELECT id, 'sharing', ?, 'v', 'h', 'de', ?, ? FROM participants",
                (int(granted), NOW.isoformat(), organisation.id),
            )
        await worker.drain()
        async with db.read() as tx:
            rows = await tx.all("SELECT kind FROM signals")
        assert [tuple(r) for r in rows] == expected
        await db.close()


async def test_a_wake_while_the_worker_was_busy_is_not_lost(tmp_path: Path) -> None:
    """Found by the soak: the worker cleared its wake-up flag when it began waiting, so a message enqueued
    while it was reading the outbox (and found nothing yet) waited for the next timeout."""
    db, worker, _ = await setup(tmp_path, ScriptedSender(), [])
    try:
        worker._idle_wait = lambda: 3600.0  # type: ignore[method-assign]  # a lost wake would wait an hour
        worker.wake()  # came in while the worker was busy elsewhere
        await asyncio.wait_for(worker.wait_for_work(3600.0), timeout=30)  # a guard against hanging only
        assert not worker._wake.is_set(), "a wake is used once"
    finally:
        await db.close()


class FlakyDatabase:
    """Fails the next `failures` transactions as a locked database does, then behaves."""

    def __init__(self, db: Database, failures: int) -> None:
        self.db, self.failures = db, failures
        self.real = db.transaction

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        if self.failures > 0:
            self.failures -= 1
            raise sqlite3.OperationalError("database is locked")
        async with self.real() as tx:
            yield tx


async def test_a_sent_message_is_recorded_after_the_database_was_locked_and_its_chat_goes_on(
    tmp_path: Path,
) -> None:
    sender = ScriptedSender()
    db, worker, _ = await setup(tmp_path, sender, ["one", "two"])
    flaky = FlakyDatabase(db, 0)
    original = sender.send

    async def send_then_lock(message: OutboxMessage) -> SendResult:
        outcome = await original(message)
        if message.text == "one":
            flaky.failures = 3  # the confirmation of "one" meets a locked database three times
        return outcome

    sender.send = send_then_lock  # type: ignore[method-assign]
    db.transaction = flaky.transaction  # type: ignore[method-assign]
    await worker.drain()
    assert sender.delivered == ["one", "two"]  # "two" was not held back behind a row left `sending`
    assert await states(db) == ["sent", "sent"]
    await db.close()


async def test_a_failed_send_is_recorded_after_the_database_was_locked(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.RETRY, error="network"))
    db, worker, clock = await setup(tmp_path, sender, ["one"])
    flaky = FlakyDatabase(db, 0)
    original = sender.send

    async def send_then_lock(message: OutboxMessage) -> SendResult:
        flaky.failures = 2
        return await original(message)

    sender.send = send_then_lock  # type: ignore[method-assign]
    db.transaction = flaky.transaction  # type: ignore[method-assign]
    await worker.drain()
    assert await states(db) == ["pending"]  # not stuck in `sending`: it will be tried again
    clock.advance(timedelta(seconds=5))
    await worker.drain()
    assert sender.delivered == ["one"]
    await db.close()


async def test_an_answer_to_a_tap_does_not_wait_behind_a_fan_out(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.db")
    clock = FakeClock(NOW)
    delivered: list[int] = []
    answer_id: list[int] = []
    worker: OutboxWorker

    class TapDuringFanOut:
        async def send(self, message: OutboxMessage) -> SendResult:
            delivered.append(message.chat_id)
            if len(delivered) == 3:  # someone taps a button while the prompts go out
                async with db.transaction() as tx:
                    answer_id.append(await put(tx, 999, "to 999", answer=True))
                worker.wake(answers=True)
            return SendResult(Result.SENT)

    async with db.transaction() as tx:
        for chat in range(1, 121):
            await put(tx, chat, f"to {chat}")
    worker = OutboxWorker(db, TapDuringFanOut(), clock, Limits(global_rate=100, per_chat_interval=0))
    await worker.drain()
    assert len(delivered) == 121 and answer_id
    group = 100 // 5  # rows marked at a time: a fifth of a second's worth
    # It goes after the group being sent and the one already marked (two fifths of a second), not last.
    assert delivered.index(999) <= 2 * group, delivered.index(999)
    await db.close()


async def test_a_block_after_stop_leaves_the_person_stopped(tmp_path: Path) -> None:
    """Only an active participant becomes unreachable: someone who stopped stays stopped, and a later
    message from them cannot make them active again with every consent withdrawn."""
    sender = ScriptedSender(SendResult(Result.BLOCKED, error="403"))
    db, worker, _ = await setup(tmp_path, sender, ["You have stopped."])
    async with db.transaction() as tx:
        await participants.set_status(tx, 1, participants.Status.STOPPED, NOW)
    await worker.drain()
    async with db.read() as tx:
        person = await participants.by_id(tx, 1)
        assert person is not None and person.status is participants.Status.STOPPED
        assert not await participants.mark_unreachable(tx, 1, NOW)
    await db.close()


async def queue(db: Database, text: str, scope: str | None) -> None:
    async with db.transaction() as tx:
        await put(tx, 7, text, participant_id=1, scope=scope)


async def test_a_scheduled_message_is_dropped_at_sending_once_its_person_stopped(tmp_path: Path) -> None:
    sender = ScriptedSender()
    db, worker, _ = await setup(tmp_path, sender, [])
    await consent(db, "checkins", granted=True)
    await queue(db, "good morning prompt", "checkins")
    await queue(db, "the answer to a tap", None)
    async with db.transaction() as tx:
        await participants.set_status(tx, 1, participants.Status.STOPPED, NOW)
    await worker.drain()
    assert sender.delivered == ["the answer to a tap"]  # answers need no scope; planned messages do
    async with db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status != 'sent'") == 0
    await db.close()


async def test_a_scheduled_message_is_dropped_at_sending_once_its_scope_is_withdrawn(tmp_path: Path) -> None:
    sender = ScriptedSender()
    db, worker, _ = await setup(tmp_path, sender, [])
    await consent(db, "checkins", granted=True)
    await consent(db, "selfreports", granted=True)
    await queue(db, "a reminder", "checkins")
    await queue(db, "about your reports", "selfreports")
    await consent(db, "selfreports", granted=False)
    await queue(db, "never allowed", "mood_trend")
    await worker.drain()
    assert sender.delivered == ["a reminder"]
    await db.close()


async def consent(db: Database, scope: str, *, granted: bool) -> None:
    async with db.transaction() as tx:
        await record_consent(tx, 1, scope, NOW, granted=granted)


async def test_a_429_pauses_sending_at_most_the_configured_bound(tmp_path: Path) -> None:
    sender = ScriptedSender(SendResult(Result.RATE_LIMITED, retry_after=3600))
    db, worker, clock = await setup(tmp_path, sender, ["hello"])
    worker = OutboxWorker(
        db, sender, clock, Limits(global_rate=1000, per_chat_interval=0, max_retry_after=30)
    )
    paused: list[float] = []
    worker.pacer.pause = paused.append  # type: ignore[method-assign]  # no real waiting in a test
    await worker.drain()
    assert paused == [30]  # not the hour Telegram asked for
    clock.advance(timedelta(seconds=30))
    await worker.drain()
    assert sender.delivered == ["hello"]
    await db.close()


async def test_after_a_429_crisis_cards_go_first_when_sending_resumes(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "c.db")
    clock = FakeClock(NOW)
    sender = ScriptedSender(SendResult(Result.RATE_LIMITED, retry_after=5))

    async def enqueue(chat: int, text: str, crisis: bool = False) -> None:
        async with db.transaction() as tx:
            await put(tx, chat, text, at=clock.now(), answer=True, crisis=crisis)

    await enqueue(1, "answer 1")
    worker = OutboxWorker(db, sender, clock, Limits(global_rate=1000, per_chat_interval=0))
    worker.pacer.pause = lambda seconds: None  # type: ignore[method-assign]
    await worker.drain()  # Telegram says: wait 5 s
    for chat in range(2, 40):
        await enqueue(chat, f"answer {chat}")
    await enqueue(99, "crisis card", crisis=True)
    clock.advance(timedelta(seconds=5))
    await worker.drain()
    assert sender.delivered[0] == "crisis card"
    assert len(sender.delivered) == 40
    await db.close()
