"""Delivers the outbox: in order per chat, paced under the global and per-chat limits, with retries.

A message is marked `sending` in its own commit before the request goes out and `sent` after the
transport confirms it. Killed in between, the row goes back to pending at start-up and is logged as a
possible duplicate: the only window in which one can happen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Protocol

from dialogs.clock import Clock
from dialogs.signals import raise_signal_for
from storage import outbox, participants
from storage.database import Database
from storage.outbox import OutboxMessage
from storage.participants import Status

log = logging.getLogger(__name__)


class Result(Enum):
    SENT = "sent"
    RETRY = "retry"  # network trouble or a server error: try again later
    RATE_LIMITED = "rate_limited"  # 429: wait what the server said
    BLOCKED = "blocked"  # 403: the person blocked the bot
    REJECTED = "rejected"  # 400: this message can never be sent as it is


@dataclass(frozen=True)
class Outcome:
    result: Result
    retry_after: float = 0.0
    error: str = ""


class Sender(Protocol):
    async def send(self, message: OutboxMessage) -> Outcome: ...


@dataclass(frozen=True)
class Limits:
    global_rate: float = 30.0
    per_chat_interval: float = 1.0
    max_attempts: int = 12
    concurrency: int = 16
    batch: int = 200


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds, at most ten minutes."""
    return timedelta(seconds=min(600, 2 ** max(1, attempts)))


class Pacer:
    """Never more than `rate` sends in any second: a sliding window of send times plus smooth spacing."""

    SAFETY = 0.97  # stay just under the limit, so clock jitter on either side never crosses it

    def __init__(self, rate: float) -> None:
        self.rate = rate * self.SAFETY
        self.window: deque[float] = deque()
        self.next_at = 0.0
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            while self.window and self.window[0] <= now - 1.0:
                self.window.popleft()
            wait = max(self.next_at - now, self.paused_until - now)
            if len(self.window) >= int(self.rate):
                wait = max(wait, self.window[0] + 1.0 - now)
            if wait <= 0:
                self.window.append(now)
                self.next_at = now + 1.0 / self.rate
                return
            await asyncio.sleep(wait)


class OutboxWorker:
    def __init__(self, db: Database, sender: Sender, clock: Clock, limits: Limits | None = None) -> None:
        self.db = db
        self.sender = sender
        self.clock = clock
        self.limits = limits or Limits()
        self.pacer = Pacer(self.limits.global_rate)
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()  # chat ids with a message under way
        self._chat_free_at: dict[int, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self.sent = 0

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> list[int]:
        async with self.db.transaction() as tx:
            ids = await outbox.recover_interrupted(tx)
        for message_id in ids:
            log.warning("outbox %s was being sent when the process stopped: possible duplicate", message_id)
        return ids

    async def run(self, stop: asyncio.Event) -> None:
        await self.recover()
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
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._idle_wait())
        await self.join()

    def _idle_wait(self) -> float:
        pending_chats = [t for t in self._chat_free_at.values() if t > time.monotonic()]
        if pending_chats:
            return max(0.01, min(pending_chats) - time.monotonic())
        return 1.0

    async def dispatch(self) -> int:
        """Start sending every message that may go now; returns how many were started."""
        async with self.db.read() as tx:
            candidates = await outbox.due(tx, self.clock.now(), self.limits.batch)
        started = 0
        blocked_chats: set[int] = set()
        for message in candidates:
            chat = message.chat_id
            if (
                chat in blocked_chats
                or chat in self._in_flight
                or self._chat_free_at.get(chat, 0) > time.monotonic()
            ):
                blocked_chats.add(chat)  # keep each chat's order: nothing overtakes an earlier message
                continue
            blocked_chats.add(chat)
            async with self.db.transaction() as tx:
                if not await outbox.mark_sending(tx, message.id):
                    continue
            self._in_flight.add(chat)
            await self._slots.acquire()
            await self.pacer.acquire()
            task = asyncio.create_task(self._deliver(message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def drain(self) -> None:
        """Send everything that is due now and wait for it (console, tests)."""
        while await self.dispatch():
            await self.join()
        await self.join()

    async def join(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, message: OutboxMessage) -> None:
        try:
            try:
                outcome = await self.sender.send(message)
            except Exception as exc:  # a transport bug must not lose the message
                log.error("sender failed for outbox %s: %s", message.id, type(exc).__name__)
                outcome = Outcome(Result.RETRY, error=type(exc).__name__)
            await self._record(message, outcome)
        finally:
            self._in_flight.discard(message.chat_id)
            self._chat_free_at[message.chat_id] = time.monotonic() + self.limits.per_chat_interval
            self._slots.release()
            self.wake()

    async def _record(self, message: OutboxMessage, outcome: Outcome) -> None:
        now = self.clock.now()
        attempts = message.attempts + 1
        async with self.db.transaction() as tx:
            if outcome.result is Result.SENT:
                await outbox.mark_sent(tx, message.id, now)
                self.sent += 1
            elif outcome.result is Result.BLOCKED:
                await outbox.mark_dead(tx, message.id, "blocked")
                await outbox.cancel_pending(tx, message.chat_id)
                if message.participant_id is not None:
                    await participants.set_status(tx, message.participant_id, Status.UNREACHABLE, now)
                    # The coach may learn it, if the participant allowed signals (once a day at most).
                    await raise_signal_for(
                        tx, message.participant_id, "unreachable", None, now, unless_within=timedelta(days=1)
                    )
                log.info("chat of outbox %s blocked the bot; marked unreachable", message.id)
            elif outcome.result is Result.REJECTED or attempts >= self.limits.max_attempts:
                await outbox.mark_dead(tx, message.id, outcome.error or outcome.result.value)
                log.warning("outbox %s is dead after %d attempts (%s)", message.id, attempts, outcome.error)
            elif outcome.result is Result.RATE_LIMITED:
                self.pacer.pause(outcome.retry_after)
                await outbox.mark_retry(tx, message.id, now + timedelta(seconds=outcome.retry_after), "429")
                log.warning("rate limited: waiting %.0f s", outcome.retry_after)
            else:
                await outbox.mark_retry(tx, message.id, now + backoff(attempts), outcome.error or "retry")
