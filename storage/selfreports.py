"""Self-reports (raw answers, purged after the retention period) and their weekly aggregates (kept).

Answers are coded values from the questionnaire (a scale point, an option key, a number); the only free
text, the optional note, arrives here already sealed. Aggregates are sums of counts per ISO week.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from storage.database import Row, Tx
from storage.sealing import Sealer, SealError
from storage.times import from_db, to_db

Answer = int | float | str | list[str]
Counts = dict[str, dict[str, float]]


@dataclass(frozen=True)
class SelfReport:
    id: int
    participant_id: int
    submitted_at: datetime
    local_date: date
    answers: dict[str, Answer]
    note: bytes | None


@dataclass(frozen=True)
class WeekAggregate:
    week: str  # ISO week, '2026-W48'
    reports: int
    counts: Counts


def _report(row: Row) -> SelfReport:
    return SelfReport(
        row["id"],
        row["participant_id"],
        from_db(row["submitted_at"]),
        date.fromisoformat(row["local_date"]),
        json.loads(row["answers"]),
        row["note"],
    )


async def insert(
    tx: Tx,
    participant_id: int,
    *,
    submitted_at: datetime,
    local_date: date,
    answers: dict[str, Answer],
    note: bytes | None,
) -> int:
    return await tx.insert(
        "INSERT INTO selfreports (participant_id, submitted_at, local_date, answers, note)"
        " VALUES (?, ?, ?, ?, ?)",
        (participant_id, to_db(submitted_at), local_date.isoformat(), json.dumps(answers), note),
    )


async def add_to_week(tx: Tx, participant_id: int, week: str, deltas: Counts) -> None:
    """Count one more report in the week and add the answer counts (a read-modify-write in one tx)."""
    row = await tx.one(
        "SELECT reports, counts FROM selfreport_weeks WHERE participant_id = ? AND week = ?",
        (participant_id, week),
    )
    counts: Counts = json.loads(row["counts"]) if row else {}
    for item, values in deltas.items():
        bucket = counts.setdefault(item, {})
        for value, amount in values.items():
            bucket[value] = bucket.get(value, 0) + amount
    await tx.execute(
        "INSERT INTO selfreport_weeks (participant_id, week, reports, counts) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (participant_id, week) DO UPDATE SET reports = reports + 1, counts = excluded.counts",
        (participant_id, week, json.dumps(counts, sort_keys=True)),
    )


async def recent(tx: Tx, participant_id: int, limit: int) -> list[SelfReport]:
    """The newest reports first."""
    rows = await tx.all(
        "SELECT * FROM selfreports WHERE participant_id = ? ORDER BY submitted_at DESC, id DESC LIMIT ?",
        (participant_id, limit),
    )
    return [_report(row) for row in rows]


async def since(tx: Tx, participant_id: int, start: datetime) -> list[SelfReport]:
    """Reports submitted at or after `start`, oldest first."""
    rows = await tx.all(
        "SELECT * FROM selfreports WHERE participant_id = ? AND submitted_at >= ? ORDER BY submitted_at, id",
        (participant_id, to_db(start)),
    )
    return [_report(row) for row in rows]


async def weeks(tx: Tx, participant_id: int, limit: int) -> list[WeekAggregate]:
    """The newest weeks first."""
    rows = await tx.all(
        "SELECT week, reports, counts FROM selfreport_weeks WHERE participant_id = ?"
        " ORDER BY week DESC LIMIT ?",
        (participant_id, limit),
    )
    return [WeekAggregate(row["week"], row["reports"], json.loads(row["counts"])) for row in rows]


async def reported_on(tx: Tx, participant_id: int, local_date: date) -> bool:
    found = await tx.scalar(
        "SELECT 1 FROM selfreports WHERE participant_id = ? AND local_date = ? LIMIT 1",
        (participant_id, local_date.isoformat()),
    )
    return found is not None


async def last_submitted(tx: Tx, participant_id: int) -> datetime | None:
    value = await tx.scalar(
        "SELECT MAX(submitted_at) FROM selfreports WHERE participant_id = ?", (participant_id,)
    )
    return None if value is None else from_db(value)


async def days_since(tx: Tx, participant_id: int, start: date) -> set[date]:
    """The participant's local days with a report, from `start` on."""
    rows = await tx.all(
        "SELECT DISTINCT local_date FROM selfreports WHERE participant_id = ? AND local_date >= ?",
        (participant_id, start.isoformat()),
    )
    return {date.fromisoformat(row[0]) for row in rows}


async def purge_expired_reports(tx: Tx, now: datetime, retention_days: int) -> int:
    """Delete raw answers older than the retention period; returns how many. Aggregates stay.

    A self-report abandoned half-way keeps its coded answers in the conversation row; those go too.
    """
    cutoff = to_db(now - timedelta(days=retention_days))
    deleted = await tx.execute("DELETE FROM selfreports WHERE submitted_at < ?", (cutoff,))
    await tx.execute(
        "UPDATE conversations SET flow = 'menu', step = 'idle', data = '{}', nonce = nonce + 1"
        " WHERE flow = 'report' AND updated_at < ?",
        (cutoff,),
    )
    return deleted


async def sealed_notes(tx: Tx) -> list[tuple[int, bytes]]:
    rows = await tx.all("SELECT id, note FROM selfreports WHERE note IS NOT NULL ORDER BY id")
    return [(row["id"], row["note"]) for row in rows]


async def replace_note(tx: Tx, report_id: int, note: bytes) -> None:
    await tx.execute("UPDATE selfreports SET note = ? WHERE id = ?", (note, report_id))


def as_plain(report: SelfReport) -> dict[str, Any]:
    return {
        "submitted_at": to_db(report.submitted_at),
        "local_date": report.local_date.isoformat(),
        "answers": report.answers,
    }


async def rotate_notes(tx: Tx, sealer: Sealer) -> tuple[int, int]:
    """Re-seal every stored note under the newest key: (re-sealed, unreadable with the keys given)."""
    rotated = unreadable = 0
    for report_id, note in await sealed_notes(tx):
        try:
            fresh = sealer.rotate(note)
        except SealError:
            unreadable += 1
            continue
        await replace_note(tx, report_id, fresh)
        rotated += 1
    return rotated, unreadable
