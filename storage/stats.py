"""Raw monthly counts for the evaluation (`companion stats`); suppression happens in `bot.evaluation`.

Months are calendar months in UTC ('YYYY-MM'). What survives erasure: invitations (created, used for
joining) stay, so "invited" and "enrolled" keep counting people who later deleted everything. Signals,
check-ins, self-reports and appointment answers of erased people are gone with them, and raw answers
expire after the retention period, so those counts for months further back only cover what is left.
"Ended" counts participants who are stopped now, by the month they stopped: someone who deleted everything
is gone, and someone who came back is active again, so neither is counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from storage.database import Tx
from storage.times import to_db

Counts = dict[str, int]  # month -> count
KindCounts = dict[tuple[str, str], int]  # (month, kind) -> count
ACTIVE_WINDOW = timedelta(days=28)


async def invited(tx: Tx) -> Counts:
    rows = await tx.all("SELECT substr(created_at, 1, 7), COUNT(*) FROM invitations GROUP BY 1")
    return {row[0]: row[1] for row in rows}


async def enrolled(tx: Tx) -> Counts:
    rows = await tx.all(
        "SELECT substr(used_at, 1, 7), COUNT(*) FROM invitations"
        " WHERE used_at IS NOT NULL AND used_for IS NULL GROUP BY 1"
    )
    return {row[0]: row[1] for row in rows}


async def ended(tx: Tx) -> Counts:
    """Participants whose status is 'stopped', by the month of their status change."""
    rows = await tx.all(
        "SELECT substr(status_at, 1, 7), COUNT(*) FROM participants WHERE status = 'stopped' GROUP BY 1"
    )
    return {row[0]: row[1] for row in rows}


async def signals_by_kind(tx: Tx) -> KindCounts:
    rows = await tx.all("SELECT substr(created_at, 1, 7), kind, COUNT(*) FROM signals GROUP BY 1, 2")
    return {(row[0], row[1]): row[2] for row in rows}


# Activity: (participant, local day) pairs with a check-in answer or a self-report.
ActivityQuery = Callable[[Tx, datetime, datetime], Awaitable[set[tuple[int, str]]]]


async def checkin_answer_days(tx: Tx, start: datetime, end: datetime) -> set[tuple[int, str]]:
    rows = await tx.all(
        "SELECT DISTINCT participant_id, day FROM checkins"
        " WHERE status = 'answered' AND answered_at >= ? AND answered_at < ?",
        (to_db(start), to_db(end)),
    )
    return {(row[0], row[1]) for row in rows}


async def selfreport_days(tx: Tx, start: datetime, end: datetime) -> set[tuple[int, str]]:
    rows = await tx.all(
        "SELECT DISTINCT participant_id, local_date FROM selfreports"
        " WHERE submitted_at >= ? AND submitted_at < ?",
        (to_db(start), to_db(end)),
    )
    return {(row[0], row[1]) for row in rows}


ACTIVITY_SOURCES: list[ActivityQuery] = [checkin_answer_days, selfreport_days]


async def activity(tx: Tx, start: datetime, end: datetime) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for source in ACTIVITY_SOURCES:
        found |= await source(tx, start, end)
    return found


async def checkin_days(tx: Tx, start: datetime, end: datetime) -> int:
    """Days with a check-in or a self-report, counted once per participant and day."""
    return len(await activity(tx, start, end))


async def active(tx: Tx, as_of: datetime) -> int:
    """Participants with a check-in or a self-report in the 28 days before `as_of`."""
    return len({participant for participant, _ in await activity(tx, as_of - ACTIVE_WINDOW, as_of)})


async def appointment_answers(tx: Tx) -> KindCounts:
    """Latest one-tap answers to reminders, by the month of the appointment."""
    rows = await tx.all(
        "SELECT substr(starts_at, 1, 7), answer, COUNT(*) FROM appointments"
        " WHERE answer IS NOT NULL GROUP BY 1, 2"
    )
    return {(row[0], row[1]): row[2] for row in rows}


async def first_month(tx: Tx) -> str | None:
    value = await tx.scalar("SELECT MIN(substr(created_at, 1, 7)) FROM invitations")
    return None if value is None else str(value)
