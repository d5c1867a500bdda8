"""Delivers the outbox: in order per chat, paced under the global and per-chat limits, with retries.

A message is marked `sending` in a commit before its request goes out, and `sent` after the transport
confirms it; confirmations are committed together (all that came in while the previous commit waited for
the database), so a busy outbox costs one commit per batch, not per message. Killed before that commit,
the row is still `sending`: at start-up it goes back to pending and is logged as a possible duplicate.
That is the only window in which one can happen (besides a request that timed out after Telegram took
it, which is logged too).

Limits: at most `global_rate` sends in any second (a sliding window plus even spacing), one message per
chat at a time and `per_chat_interval` seconds between two to the same chat, measured from the end of the
previous request. Network errors and 5xx answers are retried with exponential backoff; a 429 pauses all
sending for the `retry_after` Telegram named, at most `max_retry_after` seconds (a crisis card must never
wait for minutes; crisis cards go first when sending resumes, see `outbox.due`); a 403 (the person blocked
the bot) marks an active participant unreachable (someone who stopped stays stopped) and withdraws
everything still waiting for that chat. A planned message carries the consent scope it needs; claiming it
drops it unless its participant is still active and allows that scope (`outbox.mark_sending_many`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Protocol

from bot.pacing import Pacer
from dialogs.core.clock import Clock
from dialogs.signals.raising import raise_signal_for
from storage import outbox, participants
from storage.database import Database, Tx
from storage.outbox import OutboxMessage
from storage.sealing import Sealer

log = logging.getLogger(__name__)

WRITE_ATTEMPTS = 10  # a failing database is tried again for about half a minute (0.1 s doubling, at most 5 s)


class Result(Enum):
    SENT = "sent"
    RETRY = "retry"  # network trouble, a timeout or a server error: try again later
    RATE_LIMITED = "rate_limited"  # 429: wait what the server said
    BLOCKED = "blocked"  # 403: the person blocked the bot
    REJECTED = "rejected"  # 400: this message can never be sent as it is


@dataclass(frozen=True)
class SendResult:
    result: Result
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    async def send(self, message: OutboxMessage) -> SendResult: ...


@dataclass(frozen=True)
class Limits:
    global_rate: float = 30.0
    per_chat_interval: float = 1.0
    max_attempts: int = 12
    concurrency: int = 16  # requests under way at once; the HTTP connection pool has as many connections
    batch: int = 500  # candidates read per query
    max_retry_after: float = 30.0  # the longest pause a 429 may impose, whatever Telegram asks


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds, at most ten minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        clock: Clock,
        limits: Limits | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        """`sealer`: opens the messages the conversations queued sealed (with a key configured)."""
        self.db = db
        self.sealer = sealer
        self.sender = sender
        self.clock = clock
        self.limits = limits or Limits()
        self.pacer = Pacer(self.limits.global_rate)
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()  # chat ids with a message under way or not yet confirmed
        self._chat_free_at: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self._confirmed: list[OutboxMessage] = []
        self._confirming: asyncio.Task[None] | None = None
        self._answers_waiting = False
        self.sent = 0

    def wake(self, answers: bool = False) -> None:
        """Something was queued or a chat became free; `answers`: replies to a person are waiting, so the
        dispatch under way stops after its current group and looks again (answers go first)."""
        if answers:
            self._answers_waiting = True
        self._wake.set()

    async def wait_for_work(self, longest: float) -> None:
        """Return when something was enqueued or a chat became free since the last return, at the latest
        after `longest` s. (Cleared after waking, not before waiting: a wake during a dispatch that found
        nothing yet must not be lost.)"""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=min(longest, self._idle_wait()))
        self._wake.clear()

    async def recover(self) -> list[int]:
        async with self.db.transaction() as tx:
            ids = await outbox.recover_interrupted(tx)
        for message_id in ids:
            log.warning("outbox %s was being sent when the process stopped: possible duplicate", message_id)
        return ids

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; then at once, even in the middle of a 429 pause: rows marked but
        not yet requested go back to pending, and only requests already under way are waited for."""
        await self.recover()

        async def close_on_stop() -> None:
            await stop.wait()
            self.pacer.close()
            self.wake()

        closer = asyncio.create_task(close_on_stop())
        try:
            while not stop.is_set():
                try:
                    dispatched = await self.dispatch()
                except Exception as exc:
                    # The database is failing (locked, gone, disk full). Keep the service up, so the crisis
                    # card still reaches people directly, and try again shortly.
                    log.error("the outbox cannot be read (%s); trying again", type(exc).__name__)
                    dispatched = 0
                if dispatched:
                    continue
                await self.wait_for_work(1.0)
        finally:
            closer.cancel()
        await self.join()

    def _idle_wait(self) -> float:
        now = time.monotonic()
        for chat, free_at in list(self._chat_free_at.items()):
            if free_at <= now:
                del self._chat_free_at[chat]
        if self._chat_free_at:
            return max(0.005, min(self._chat_free_at.values()) - now)
        return 1.0

    def _may_go(self, message: OutboxMessage) -> bool:
        chat = message.chat_id
        return chat not in self._in_flight and self._chat_free_at.get(chat, 0.0) <= time.monotonic()

    async def dispatch(self) -> int:
        """Start sending every message that may go now; returns how many were started or dropped.

        The outbox query returns only the oldest unsent message of each chat, so order per chat holds.
        Messages are marked `sending` a small group at a time (a fifth of a second's worth), then each is
        paced right before its request starts: waiting for the database never bunches sends together,
        and a killed process leaves only a few rows in `sending`.
        """
        self._answers_waiting = False
        async with self.db.read() as tx:
            candidates = await outbox.due(tx, self.clock.now(), self.limits.batch)
        ready = [message for message in await self._opened(candidates) if self._may_go(message)]
        size = max(1, min(100, int(self.limits.global_rate / 5)))
        groups = [ready[i : i + size] for i in range(0, len(ready), size)]
        started = skipped = 0
        marking = asyncio.create_task(self._mark(groups[0])) if groups else None
        for index, group in enumerate(groups):
            assert marking is not None
            marked = await marking
            # The next group is marked while this one is paced out, so a busy database never stalls sending;
            # unless answers to someone came in meanwhile: then this group is the last, and they go next.
            more = index + 1 < len(groups) and not self._answers_waiting
            marking = asyncio.create_task(self._mark(groups[index + 1])) if more else None
            for position, message in enumerate(group):
                if message.id not in marked:
                    skipped += 1  # withdrawn (dropped at the claim) or taken back: its chat's next may go
                    continue
                self._in_flight.add(message.chat_id)
                await self._slots.acquire()
                if not await self.pacer.acquire():  # stopped: what is marked but not requested goes back
                    self._slots.release()
                    self._in_flight.discard(message.chat_id)
                    unsent = [m.id for m in group[position:] if m.id in marked]
                    if marking is not None:
                        unsent += await marking
                    await self._unmark(unsent)
                    return started
                task = asyncio.create_task(self._deliver(message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                started += 1
            if marking is None:
                break
        return started + skipped

    async def _opened(self, candidates: list[OutboxMessage]) -> list[OutboxMessage]:
        """Sealed messages opened in memory; one no configured key opens (its key was removed) is given up."""
        readable, unreadable = [], []
        for message in candidates:
            opened = outbox.opened(message, self.sealer)
            if opened is None:
                unreadable.append(message.id)
            else:
                readable.append(opened)
        if unreadable:
            async with self.db.transaction() as tx:
                for message_id in unreadable:
                    await outbox.mark_dead(tx, message_id, "unreadable")
            log.error("%d sealed outbox messages cannot be opened with any configured key", len(unreadable))
            self.wake()  # the chats' next messages may go now
        return readable

    async def _unmark(self, message_ids: list[int]) -> None:
        await self._write(lambda tx: outbox.unmark_sending(tx, message_ids), "unsent messages")

    async def _mark(self, group: list[OutboxMessage]) -> set[int]:
        async with self.db.transaction() as tx:
            return await outbox.mark_sending_many(tx, [m.id for m in group])

    async def drain(self) -> None:
        """Send everything that is due now and wait for it (console, tests)."""
        while await self.dispatch():
            await self.join()
        await self.join()

    async def join(self) -> None:
        while self._tasks or self._confirming is not None:
            tasks = list(self._tasks)
            if self._confirming is not None:
                tasks.append(self._confirming)
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, message: OutboxMessage) -> None:
        try:
            try:
                outcome = await self.sender.send(message)
            except Exception as exc:  # a transport bug must not lose the message
                log.error("sender failed for outbox %s: %s", message.id, type(exc).__name__)
                outcome = SendResult(Result.RETRY, error=type(exc).__name__)
            finally:
                self.pacer.done()
            if outcome.result is Result.SENT:
                self._confirm(message)
                return
            await self._record(message, outcome)
            self._release(message)
        except BaseException:
            self._release(message)
            raise
        finally:
            self._slots.release()

    def _release(self, message: OutboxMessage) -> None:
        self._in_flight.discard(message.chat_id)
        self._chat_free_at[message.chat_id] = time.monotonic() + self.limits.per_chat_interval
        self.wake()

    def _confirm(self, message: OutboxMessage) -> None:
        """Queue a confirmed message for the next commit.

        Until that commit a kill would send it again, so the commit starts at once and takes, when it has
        the database, every confirmation that came in while it waited for it: a busy database makes the
        batches bigger, never the window longer.
        """
        self._confirmed.append(message)
        if self._confirming is None:
            self._confirming = asyncio.create_task(self._commit_confirmed())

    async def _commit_confirmed(self) -> None:
        try:
            while self._confirmed:
                batch: list[OutboxMessage] = []

                async def record(tx: Tx) -> None:
                    nonlocal batch
                    batch, self._confirmed = batch + self._confirmed, []
                    await outbox.mark_sent_many(tx, [m.id for m in batch], self.clock.now())

                if not await self._write(record, "sent messages"):
                    batch, self._confirmed = batch + self._confirmed, []
                self.sent += len(batch)
                for message in batch:
                    self._release(message)
        finally:
            self._confirming = None

    async def _write(self, write: Callable[[Tx], Awaitable[None]], what: str) -> bool:
        """Run `write` in a transaction; while the database fails (locked, disk full), try again with
        growing waits for about half a minute, so a passing failure never leaves a row `sending` (which
        holds back its chat until the next start). False when it gave up: the row is then recovered, and
        logged, at the next start."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                async with self.db.transaction() as tx:
                    await write(tx)
                return True
            except Exception as exc:
                log.error("could not record %s (%s); attempt %d", what, type(exc).__name__, attempt + 1)
                if attempt + 1 < WRITE_ATTEMPTS:
                    await asyncio.sleep(min(5.0, 0.1 * 2**attempt))
        return False

    async def _record(self, message: OutboxMessage, outcome: SendResult) -> None:
        await self._write(
            lambda tx: self._record_in(tx, message, outcome), f"the outcome of outbox {message.id}"
        )

    async def _record_in(self, tx: Tx, message: OutboxMessage, outcome: SendResult) -> None:
        now = self.clock.now()
        attempts = message.attempts + 1
        if outcome.result is Result.BLOCKED:
            await outbox.mark_dead(tx, message.id, "blocked")
            await outbox.cancel_pending(tx, message.chat_id)
            # Only an active participant becomes unreachable; someone who stopped stays stopped.
            if message.participant_id is not None and await participants.mark_unreachable(
                tx, message.participant_id, now
            ):
                # The coach may learn it, if the participant allowed signals (once a day at most).
                await raise_signal_for(
                    tx, message.participant_id, "unreachable", None, now, unless_within=timedelta(days=1)
                )
                log.info("chat of outbox %s blocked the bot; marked unreachable", message.id)
            else:
                log.info("chat of outbox %s blocked the bot", message.id)
        elif outcome.result is Result.REJECTED or attempts >= self.limits.max_attempts:
            await outbox.mark_dead(tx, message.id, outcome.error or outcome.result.value)
            log.warning("outbox %s is dead after %d attempts (%s)", message.id, attempts, outcome.error)
        elif outcome.result is Result.RATE_LIMITED:
            wait = min(outcome.retry_after, self.limits.max_retry_after)
            self.pacer.pause(wait)
            await outbox.mark_retry(tx, message.id, now + timedelta(seconds=wait), "429")
            log.warning("rate limited: waiting %.0f s (Telegram asked for %.0f s)", wait, outcome.retry_after)
        else:
            await outbox.mark_retry(tx, message.id, now + backoff(attempts), outcome.error or "retry")
            log.info("outbox %s will be retried (%s, attempt %d)", message.id, outcome.error, attempts)
