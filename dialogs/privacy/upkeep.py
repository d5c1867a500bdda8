"""The daily upkeep: every kind of stored row is deleted when its retention period is over, people who
left long ago are erased, and the silence rules and coaches' digests are checked.

A plain async function, so the scheduler's daily job, `companion purge` and tests call the same thing.
The periods are settings (EngineConfig); docs/privacy.md lists them all in one table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dialogs.coaching.alert_times import plan_all_digests
from dialogs.core import outgoing
from dialogs.core.config import EngineConfig
from dialogs.privacy.data_rights import erase_everything
from dialogs.signals.rules import check_silence_rules
from storage import (
    appointments,
    buttons,
    checkins,
    checkpoints,
    conversations,
    due,
    inbox_mails,
    participants,
    proposals,
    signals,
    start_attempts,
    updates,
)
from storage.database import Database, Tx
from storage.selfreports import purge_expired_reports

log = logging.getLogger(__name__)

ERASE_BATCH = 50  # people erased per transaction, so a backlog never holds other updates for long


@dataclass(frozen=True)
class DailyResult:
    deleted: dict[str, int] = field(default_factory=dict)  # rows deleted, by kind
    signals: int = 0  # no-check-in signals raised
    erased: int = 0  # people erased after they left

    @property
    def purged(self) -> int:
        """Raw self-reports deleted."""
        return self.deleted.get("selfreports_past_retention", 0)


async def purge_expired(tx: Tx, now: datetime, config: EngineConfig) -> dict[str, int]:
    """Delete what has outlived its retention period; returns the rows deleted, by kind."""

    def ago(days: int) -> datetime:
        return now - timedelta(days=days)

    return {
        "outbox": await outgoing.purge_delivered(tx, ago(config.outbox_days)),
        "coach_mails": await inbox_mails.purge_settled(tx, ago(config.outbox_days)),
        "handled_updates": await updates.purge_old(tx, now),
        "start_attempts": await start_attempts.purge_old(tx, now),
        "button_tokens": await buttons.purge_expired(tx, now),
        "due": await due.purge_settled(tx, ago(config.due_days)),
        "checkins_unanswered": await checkins.purge_expired(tx, now),
        "checkins_past_retention": await checkins.purge_before(tx, ago(config.retention_days).date()),
        "appointments_ended": await appointments.purge_ended_before(tx, ago(config.retention_days)),
        "proposals_ended": await proposals.purge_ended_before(tx, ago(config.retention_days)),
        "selfreports_past_retention": await purge_expired_reports(tx, now, config.retention_days),
        "signals": await signals.purge_before(tx, ago(config.signal_days)),
        "conversations": await conversations.purge_idle(tx, ago(config.conversation_days)),
    }


async def erase_departed(db: Database, now: datetime, config: EngineConfig) -> int:
    """Erase everyone whose `EngineConfig.erasure_at` has passed (they stopped or could not be reached
    for `erase_after_days`), as /delete would."""
    before = now - timedelta(days=config.erase_after_days)
    erased = 0
    while True:
        async with db.transaction() as tx:
            batch = await participants.departed_before(tx, before, ERASE_BATCH)
            for person in batch:
                await erase_everything(tx, person, person.chat_id, now)
        erased += len(batch)
        if len(batch) < ERASE_BATCH:
            return erased


async def run_daily(db: Database, now: datetime, config: EngineConfig) -> DailyResult:
    async with db.transaction() as tx:
        deleted = await purge_expired(tx, now, config)
        if any(deleted.values()):
            await checkpoints.owe(tx)  # with secure_delete, the deleted rows leave the file at the checkpoint
        raised = await check_silence_rules(tx, now)
        await plan_all_digests(tx, now)  # coaches' digests stay planned a week ahead, whatever was missed
    erased = await erase_departed(db, now, config)
    if not await checkpoints.settle(db):
        log.info("daily upkeep: a reader holds the database log; the checkpoint is retried by the sweep")
    log.info(
        "daily upkeep: %s; %d people erased after they left; %d silence signals",
        ", ".join(f"{kind} {count}" for kind, count in deleted.items()),
        erased,
        raised,
    )
    return DailyResult(deleted, raised, erased)
