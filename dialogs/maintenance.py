"""Daily upkeep for self-reports and rules: purge raw answers past retention, check silence rules.

A plain async function, so the scheduler's daily job, `companion purge` and tests call the same thing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from dialogs.coach_alerts import plan_all_digests
from dialogs.config import EngineConfig
from dialogs.rules import check_silence_rules
from storage.database import Database
from storage.selfreports import purge_expired_reports

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyResult:
    purged: int  # raw self-reports deleted
    signals: int  # no-check-in signals raised


async def run_daily(db: Database, now: datetime, config: EngineConfig) -> DailyResult:
    async with db.transaction() as tx:
        purged = await purge_expired_reports(tx, now, config.retention_days)
        raised = await check_silence_rules(tx, now)
        await plan_all_digests(tx, now)  # coaches' digests stay planned a week ahead, whatever was missed
    if purged:
        await db.checkpoint()  # with secure_delete, the purged answers leave the file
    log.info("daily upkeep: %d self-reports purged, %d silence signals", purged, raised)
    return DailyResult(purged, raised)
