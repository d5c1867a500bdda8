"""The team inbox's rows: one item per signal and organisation, its state, and the organisation's settings
for escalation (how long an urgent item may stay untaken, in working minutes, and its working hours).

The rows hold no text about the participant: the signal's kind and category come from `signals`, and an
outcome is one of four categories. Whether a coach may see an item is decided in `dialogs.coaching.inbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from storage.database import Row, Tx
from storage.times import from_db, maybe_from_db, to_db


class Status(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    CONTACTED = "contacted"
    NOT_REACHED = "not_reached"
    REFERRED = "referred"
    NOT_NEEDED = "not_needed"


@dataclass(frozen=True)
class Item:
    id: int
    signal_id: int
    participant_id: int
    organisation_id: int
    status: Status
    urgent: bool
    kind: str
    category: str | None
    created_at: datetime
    escalate_at: datetime | None
    escalated_at: datetime | None
    taken_by: int | None
    taken_by_name: str | None
    taken_at: datetime | None
    closed_by: int | None
    closed_at: datetime | None
    outcome: Outcome | None
    follow_up: date | None

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None


_SELECT = (
    "SELECT i.*, s.kind, s.category, c.name AS taken_by_name FROM inbox_items AS i"
    " JOIN signals AS s ON s.id = i.signal_id LEFT JOIN coaches AS c ON c.id = i.taken_by"
)


def _item(r: Row) -> Item:
    return Item(
        id=r["id"],
        signal_id=r["signal_id"],
        participant_id=r["participant_id"],
        organisation_id=r["organisation_id"],
        status=Status(r["status"]),
        urgent=bool(r["urgent"]),
        kind=r["kind"],
        category=r["category"],
        created_at=from_db(r["created_at"]),
        escalate_at=maybe_from_db(r["escalate_at"]),
        escalated_at=maybe_from_db(r["escalated_at"]),
        taken_by=r["taken_by"],
        taken_by_name=r["taken_by_name"],
        taken_at=maybe_from_db(r["taken_at"]),
        closed_by=r["closed_by"],
        closed_at=maybe_from_db(r["closed_at"]),
        outcome=Outcome(r["outcome"]) if r["outcome"] else None,
        follow_up=date.fromisoformat(r["follow_up"]) if r["follow_up"] else None,
    )


async def add(
    tx: Tx,
    *,
    signal_id: int,
    participant_id: int,
    organisation_id: int,
    urgent: bool,
    escalate_at: datetime | None,
    now: datetime,
) -> int | None:
    """A new open item; None when the signal has one for the organisation already."""
    changed = await tx.execute(
        "INSERT INTO inbox_items (signal_id, participant_id, organisation_id, status, urgent, escalate_at,"
        " created_at) VALUES (?, ?, ?, 'open', ?, ?, ?) ON CONFLICT (signal_id, organisation_id) DO NOTHING",
        (
            signal_id,
            participant_id,
            organisation_id,
            int(urgent),
            to_db(escalate_at) if escalate_at else None,
            to_db(now),
        ),
    )
    if changed == 0:
        return None
    return int(await tx.scalar("SELECT last_insert_rowid()"))


async def get(tx: Tx, item_id: int) -> Item | None:
    row = await tx.one(f"{_SELECT} WHERE i.id = ?", (item_id,))
    return None if row is None else _item(row)


async def of_organisation(tx: Tx, organisation_id: int, statuses: tuple[Status, ...]) -> list[Item]:
    """The organisation's items in these states: escalated first, then urgent, then oldest first."""
    marks = ", ".join("?" for _ in statuses)
    rows = await tx.all(
        f"{_SELECT} WHERE i.organisation_id = ? AND i.status IN ({marks})"
        " ORDER BY i.escalated_at IS NULL, i.urgent DESC, s.created_at, i.id",
        (organisation_id, *[s.value for s in statuses]),
    )
    return [_item(row) for row in rows]


async def of_participant(tx: Tx, participant_id: int, organisation_id: int) -> list[Item]:
    rows = await tx.all(
        f"{_SELECT} WHERE i.participant_id = ? AND i.organisation_id = ?"
        " ORDER BY s.created_at DESC, i.id DESC",
        (participant_id, organisation_id),
    )
    return [_item(row) for row in rows]


async def take(tx: Tx, item_id: int, coach_id: int, now: datetime) -> bool:
    """Open (or taken by a colleague: taking over) -> taken by this coach; False when closed or hidden."""
    changed = await tx.execute(
        "UPDATE inbox_items SET status = 'taken', taken_by = ?, taken_at = ?"
        " WHERE id = ? AND status IN ('open', 'taken')",
        (coach_id, to_db(now), item_id),
    )
    return changed == 1


async def close(
    tx: Tx, item_id: int, coach_id: int, outcome: Outcome, follow_up: date | None, now: datetime
) -> bool:
    changed = await tx.execute(
        "UPDATE inbox_items SET status = 'closed', closed_by = ?, closed_at = ?, outcome = ?, follow_up = ?,"
        " taken_by = COALESCE(taken_by, ?), taken_at = COALESCE(taken_at, ?)"
        " WHERE id = ? AND status IN ('open', 'taken')",
        (
            coach_id,
            to_db(now),
            outcome.value,
            follow_up.isoformat() if follow_up else None,
            coach_id,
            to_db(now),
            item_id,
        ),
    )
    return changed == 1


async def withdraw(tx: Tx, item_ids: list[int]) -> None:
    for item_id in item_ids:
        await tx.execute(
            "UPDATE inbox_items SET status = 'withdrawn' WHERE id = ? AND status != 'withdrawn'", (item_id,)
        )


async def to_escalate(tx: Tx, now: datetime) -> list[Item]:
    """Urgent items still open (nobody took them) whose time has run out, not yet escalated."""
    rows = await tx.all(
        f"{_SELECT} WHERE i.status = 'open' AND i.escalated_at IS NULL AND i.escalate_at IS NOT NULL"
        " AND i.escalate_at <= ? ORDER BY i.escalate_at, i.id",
        (to_db(now),),
    )
    return [_item(row) for row in rows]


async def mark_escalated(tx: Tx, item_id: int, now: datetime) -> bool:
    changed = await tx.execute(
        "UPDATE inbox_items SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL AND status = 'open'",
        (to_db(now), item_id),
    )
    return changed == 1


@dataclass(frozen=True)
class TeamSettings:
    """An organisation's escalation time (working minutes) and working hours."""

    escalate_after_minutes: int = 120
    work_days: str = "12345"  # ISO weekdays
    work_start: str = "08:00"
    work_end: str = "16:00"
    timezone: str = "Europe/Berlin"


async def settings(tx: Tx, organisation_id: int) -> TeamSettings:
    row = await tx.one(
        "SELECT escalate_after_minutes, work_days, work_start, work_end, work_timezone FROM organisations"
        " WHERE id = ?",
        (organisation_id,),
    )
    if row is None:
        return TeamSettings()
    return TeamSettings(row[0], row[1], row[2], row[3], row[4])


async def set_settings(tx: Tx, organisation_id: int, value: TeamSettings) -> None:
    await tx.execute(
        "UPDATE organisations SET escalate_after_minutes = ?, work_days = ?, work_start = ?, work_end = ?,"
        " work_timezone = ? WHERE id = ?",
        (
            value.escalate_after_minutes,
            value.work_days,
            value.work_start,
            value.work_end,
            value.timezone,
            organisation_id,
        ),
    )
