"""APScheduler jobs: the sweep of due rows every few seconds, daily planning and daily maintenance.

The jobs hold no promise of their own: the sweep only reads the `due` table, so a job that did not run
(the process was down) loses nothing. A due row found later than its grace window expires by the
engine's rule instead of arriving at a confusing hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from dialogs.checkins import planning
from dialogs.core.clock import Clock
from dialogs.core.engine import Engine
from dialogs.privacy.upkeep import run_daily
from storage import checkpoints, due, meta
from storage.database import Database
from storage.times import to_db

log = logging.getLogger(__name__)

PLAN_BATCH = 500  # participants per transaction in the daily planning job
HEARTBEAT_SECONDS = 30


@dataclass(frozen=True)
class Timing:
    sweep_seconds: float = 2.0
    sweep_batch: int = 200  # due rows claimed per query; a sweep continues until none is left
    rows_per_transaction: int = 25  # each row in its own savepoint: settled together with its messages
    plan_every: timedelta = timedelta(hours=24)
    plan_first_after: timedelta = timedelta(seconds=5)
    maintenance_every: timedelta = timedelta(hours=24)
    maintenance_first_after: timedelta = timedelta(minutes=1)


class Scheduler:
    def __init__(
        self,
        db: Database,
        engine: Engine,
        clock: Clock,
        timing: Timing | None = None,
        on_first_sweep: Callable[[], None] | None = None,
        heartbeat: Callable[[], Awaitable[None]] | None = None,
        after_sweep: Callable[[datetime], Awaitable[object]] | None = None,
    ) -> None:
        self.db = db
        self.engine = engine
        self.clock = clock
        self.timing = timing or Timing()
        self.sweeps = 0
        self.swept = 0
        self._on_first_sweep = on_first_sweep
        self._heartbeat = heartbeat
        self._after_sweep = after_sweep  # the team inbox's escalation and e-mail (issue 16)
        self._aps: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()
        self._first_done = asyncio.Event()

    def _job(self, name: str, body: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        """A job that is waited for at shutdown and logs its failure by kind (the next run tries again)."""

        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await body()
            except Exception as exc:
                log.error("the %s job failed (%s); it runs again at its next time", name, type(exc).__name__)
            finally:
                if task is not None:
                    self._running.discard(task)

        return run

    def start(self) -> None:
        """Start the jobs on the running loop; the first sweep runs at once."""
        aps = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)  # APScheduler waits in real time; the injected clock is for the jobs' logic
        common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        aps.add_job(
            self._job("sweep", self.sweep),
            "interval",
            seconds=self.timing.sweep_seconds,
            next_run_time=now,
            **common,
        )
        aps.add_job(
            self._job("planning", self.plan),
            "interval",
            seconds=self.timing.plan_every.total_seconds(),
            next_run_time=now + self.timing.plan_first_after,
            **common,
        )
        aps.add_job(
            self._job("maintenance", self.maintain),
            "interval",
            seconds=self.timing.maintenance_every.total_seconds(),
            next_run_time=now + self.timing.maintenance_first_after,
            **common,
        )
        if self._heartbeat is not None:
            aps.add_job(
                self._job("heartbeat", self._heartbeat),
                "interval",
                seconds=HEARTBEAT_SECONDS,
                next_run_time=now,
                **common,
            )
        aps.start()
        self._aps = aps

    async def first_sweep_done(self, longest: float) -> None:
        """Wait until the first sweep has finished, at most `longest` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_done.wait(), longest)

    async def stop(self) -> None:
        """Stop the jobs and wait for a running one to finish its transaction.

        APScheduler's shutdown cancels the task of a job still running (and logs that as an error with a
        traceback), so new runs are paused first and running jobs finish before it is shut down.
        """
        aps, self._aps = self._aps, None
        running = aps is not None and aps.running
        if aps is not None and running:
            aps.pause()
            await asyncio.sleep(0)  # a run already submitted starts and registers itself
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)
        if aps is not None and running:
            aps.shutdown(wait=False)

    async def sweep(self) -> int:
        """Hand every due row whose time has come to the engine; returns how many were handled."""
        handled = 0
        started = time.monotonic()
        while True:
            async with self.db.read() as tx:
                items = await due.pending_due(tx, self.clock.now(), self.timing.sweep_batch)
            if not items:
                break
            for start in range(0, len(items), self.timing.rows_per_transaction):
                chunk = items[start : start + self.timing.rows_per_transaction]
                await self.engine.handle_due([(item.chat_id, item.id) for item in chunk])
                await asyncio.sleep(0)  # let the outbox worker and incoming updates in
            handled += len(items)
            if len(items) < self.timing.sweep_batch:
                break
            await asyncio.sleep(0)  # let the outbox worker and incoming updates in between batches
        self.sweeps += 1
        self.swept += handled
        if self._after_sweep is not None:
            await self._after_sweep(self.clock.now())
        if self.sweeps == 1:
            log.info("first sweep done: %d due rows in %.3f s", handled, time.monotonic() - started)
            self._first_done.set()
            if self._on_first_sweep is not None:
                self._on_first_sweep()
        elif handled:
            log.info("sweep: %d due rows in %.3f s", handled, time.monotonic() - started)
        if not await checkpoints.settle(self.db):
            log.info("a checkpoint owed after erasure waits for a reader of the database; trying next sweep")
        return handled

    async def plan(self) -> int:
        """Fill the planning horizon for every active participant (existing rows stay as they are)."""
        after, planned_for = 0, 0
        while True:
            async with self.db.transaction() as tx:
                last = await planning.plan_batch(
                    tx, after, PLAN_BATCH, self.clock.now(), self.engine.config.grace
                )
            if last is None:
                break
            planned_for += 1
            after = last
            await asyncio.sleep(0)
        log.info("planned the coming days (%d batches)", planned_for)
        return planned_for

    async def maintain(self) -> dict[str, int]:
        """The daily upkeep (dialogs/privacy/upkeep.py): every kind of row past its retention period is
        deleted, people who left long ago are erased, silence rules are checked. Returns the counts."""
        now = self.clock.now()
        daily = await run_daily(self.db, now, self.engine.config)
        async with self.db.transaction() as tx:
            await meta.put(tx, "maintenance_at", to_db(now))
        counts = {**daily.deleted, "erased_after_leaving": daily.erased, "silence_signals": daily.signals}
        log.info("maintenance: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
        return counts
