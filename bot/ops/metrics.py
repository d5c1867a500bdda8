"""Prometheus metrics of the running service, in a registry of their own (never the global one).

Only counts, ages and durations: no label carries a chat id, a pseudonym, a name or any text a person
wrote. Labels take values from small fixed sets (an outcome, a path), so nobody can be told apart by them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.crisis_fallback import DIRECT_ID
from bot.delivery import Result, Sender, SendResult
from dialogs.core.engine import Handled
from storage.database import Tx
from storage.outbox import OutboxMessage
from storage.times import from_db, to_db

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATE_AFTER_SECONDS = 60  # a pending due row this much past its time counts as late
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Backlog:
    """What the database says about work waiting: read at each scrape and each readiness check."""

    outbox_pending: int
    oldest_pending_seconds: float
    due_late: int  # pending due rows more than LATE_AFTER_SECONDS past their time
    due_past_grace: int  # pending due rows past their grace window (the sweep should have expired them)


async def read_backlog(tx: Tx, now: datetime) -> Backlog:
    """Counts only; the outbox rows' content is never read."""
    pending = await tx.one(
        "SELECT COUNT(*) AS n, MIN(not_before) AS oldest FROM outbox"
        " WHERE status IN ('pending', 'sending') AND not_before <= ?",
        (to_db(now),),
    )
    oldest = 0.0
    if pending is not None and pending["oldest"] is not None:
        oldest = max(0.0, (now - from_db(pending["oldest"])).total_seconds())
    late_before = to_db(now - timedelta(seconds=LATE_AFTER_SECONDS))
    due_late = await tx.scalar(
        "SELECT COUNT(*) FROM due WHERE status = 'pending' AND due_at < ?", (late_before,)
    )
    past_grace = await tx.scalar(
        "SELECT COUNT(*) FROM due WHERE status = 'pending' AND grace_until < ?", (late_before,)
    )
    return Backlog(int(pending["n"]) if pending else 0, oldest, int(due_late or 0), int(past_grace or 0))


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=lambda: CollectorRegistry(auto_describe=True))

    def __post_init__(self) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` series (start times)
        r = self.registry
        self.updates = Counter(
            "companion_updates_handled", "Telegram updates handled, by outcome", ["outcome"], registry=r
        )
        self.replies = Counter(
            "companion_replies_sent", "Messages handed to Telegram, by outcome", ["outcome"], registry=r
        )
        self.rate_limited = Counter(
            "companion_telegram_rate_limited", "Answers 429 (too many requests) from Telegram", registry=r
        )
        self.crisis_cards = Counter(
            "companion_crisis_cards_served",
            "Crisis input answered with the crisis card: by the engine, or directly when it could not",
            ["path"],
            registry=r,
        )
        self.latency = Histogram(
            "companion_update_handling_seconds",
            "Time from taking an update to having it stored with its replies queued",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.outbox_depth = Gauge(
            "companion_outbox_pending", "Messages due to be sent and not yet confirmed", registry=r
        )
        self.outbox_age = Gauge(
            "companion_outbox_oldest_pending_seconds",
            "Age of the oldest message due and not yet confirmed (0 when none)",
            registry=r,
        )
        self.due_late = Gauge(
            "companion_due_rows_late",
            f"Pending due rows (check-ins, reminders) more than {LATE_AFTER_SECONDS} s past their time",
            registry=r,
        )
        self.telegram_age = Gauge(
            "companion_telegram_last_contact_seconds",
            "Seconds since Telegram last answered (-1: not yet)",
            registry=r,
        )
        for outcome in ("stored", "duplicate", "failed", "not_stored", "refused", "ignored"):
            self.updates.labels(outcome)
        for result in (*Result, "error"):
            self.replies.labels(result.value if isinstance(result, Result) else result)
        for path in ("engine", "direct"):
            self.crisis_cards.labels(path)
        self.telegram_age.set(-1)

    def handled(self, outcome: Handled | None, seconds: float, crisis: bool) -> None:
        """One update taken from Telegram: `outcome` None when it carried nothing to handle."""
        self.updates.labels(update_outcome(outcome)).inc()
        if outcome is not None:
            self.latency.observe(seconds)
            if crisis and not outcome.failed and not outcome.duplicate:
                self.crisis_cards.labels("engine").inc()

    def sent(self, message: OutboxMessage, outcome: SendResult | None) -> None:
        """One message handed to Telegram; `outcome` None when the transport raised."""
        self.replies.labels("error" if outcome is None else outcome.result.value).inc()
        if outcome is not None and outcome.result is Result.RATE_LIMITED:
            self.rate_limited.inc()
        if message.id == DIRECT_ID and outcome is not None and outcome.result is Result.SENT:
            self.crisis_cards.labels("direct").inc()

    def backlog(self, backlog: Backlog) -> None:
        self.outbox_depth.set(backlog.outbox_pending)
        self.outbox_age.set(backlog.oldest_pending_seconds)
        self.due_late.set(backlog.due_late)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def update_outcome(outcome: Handled | None) -> str:
    if outcome is None:
        return "ignored"
    if outcome.redeliver:
        return "not_stored"
    if outcome.refused:
        return "refused"
    if outcome.duplicate:
        return "duplicate"
    return "failed" if outcome.failed else "stored"


class MeteredSender:
    """The transport's sender, counting each outcome and remembering when Telegram last answered."""

    def __init__(self, inner: Sender, metrics: Metrics, contact: Contact) -> None:
        self.inner = inner
        self.metrics = metrics
        self.contact = contact

    async def send(self, message: OutboxMessage) -> SendResult:
        try:
            outcome = await self.inner.send(message)
        except Exception:
            self.metrics.sent(message, None)
            raise
        self.metrics.sent(message, outcome)
        if outcome.result is not Result.RETRY:  # an HTTP answer from Telegram, not a network failure
            self.contact.seen()
        return outcome


@dataclass
class Contact:
    """When Telegram last answered (monotonic seconds), from sends, polls and webhook posts."""

    at: float | None = None

    def seen(self) -> None:
        self.at = time.monotonic()

    def age(self) -> float | None:
        return None if self.at is None else time.monotonic() - self.at
