"""`/readyz`: whether the service can do its work now. Each check is named in the answer; one failing
check makes the whole answer 503, so a load balancer or monitoring sees one status code."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.ops.metrics import Backlog, Metrics, read_backlog
from dialogs.core.clock import Clock
from storage import meta
from storage.database import Database
from storage.times import to_db

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 3.0  # seconds one check may take before it counts as failed
TELEGRAM_STALE_SECONDS = 300.0  # no answer from Telegram for longer: not ready
PROBE_AFTER_SECONDS = 60.0  # quiet for longer (webhook mode, nothing to send): ask Telegram once (getMe)
OUTBOX_STUCK_SECONDS = 600.0  # a message due for longer than this and not sent: the outbox is stuck


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Readiness:
    """The service's parts the checks look at. `telegram_age` says how long ago Telegram last answered
    (None: never); `probe` asks Telegram once (None: not connected yet)."""

    db: Database
    clock: Clock
    metrics: Metrics
    telegram_age: Callable[[], float | None]
    probe: Callable[[], Awaitable[object]] | None = None

    async def checks(self) -> list[Check]:
        results = [await self._database()]
        backlog = await self.refresh()
        results.append(await self._telegram())
        results.extend(backlog_checks(backlog))
        return results

    async def refresh(self) -> Backlog | None:
        """Read the backlog into the metrics' gauges; None when the database cannot be read."""
        age = self.telegram_age()
        self.metrics.telegram_age.set(-1 if age is None else age)
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.db.read() as tx:
                backlog = await read_backlog(tx, self.clock.now())
        except Exception as exc:
            log.warning("the backlog could not be read (%s)", type(exc).__name__)
            return None
        self.metrics.backlog(backlog)
        return backlog

    async def _database(self) -> Check:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self.db.transaction() as tx:
                await meta.put(tx, "ready_checked_at", to_db(self.clock.now()))
        except Exception as exc:
            return Check("database", False, f"not writable ({type(exc).__name__})")
        return Check("database", True, "writable")

    async def _telegram(self) -> Check:
        age = self.telegram_age()
        if (age is None or age > PROBE_AFTER_SECONDS) and self.probe is not None:
            try:
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await self.probe()
                age = self.telegram_age()
            except Exception as exc:
                log.info("readiness: Telegram did not answer (%s)", type(exc).__name__)
        if age is None:
            return Check("telegram", False, "not reached since the start")
        self.metrics.telegram_age.set(age)
        if age > TELEGRAM_STALE_SECONDS:
            return Check("telegram", False, f"last reached {age:.0f} s ago")
        return Check("telegram", True, f"reached {age:.0f} s ago")


def backlog_checks(backlog: Backlog | None) -> list[Check]:
    if backlog is None:
        return [Check("outbox", False, "cannot be read"), Check("due", False, "cannot be read")]
    stuck = backlog.oldest_pending_seconds > OUTBOX_STUCK_SECONDS
    outbox = Check(
        "outbox",
        not stuck,
        f"{backlog.outbox_pending} due, the oldest waiting {backlog.oldest_pending_seconds:.0f} s"
        + (f" (more than {OUTBOX_STUCK_SECONDS:.0f} s: stuck)" if stuck else ""),
    )
    due = Check(
        "due",
        backlog.due_past_grace == 0,
        f"{backlog.due_late} late, {backlog.due_past_grace} past their grace window",
    )
    return [outbox, due]
