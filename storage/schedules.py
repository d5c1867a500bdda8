"""Each participant's check-in schedule: times of day, weekdays, quiet hours, look-back day, pause."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any

from storage import consents
from storage.database import Row, Tx
from storage.times import maybe_from_db, to_db

EVERY_DAY = frozenset(range(1, 8))


@dataclass(frozen=True)
class Schedule:
    """A participant's schedule; local times of day in their time zone, weekdays ISO (1 = Monday)."""

    participant_id: int
    morning: time | None = None
    evening: time | None = None
    weekdays: frozenset[int] = field(default=EVERY_DAY)
    quiet_start: time = time(22, 0)
    quiet_end: time = time(7, 0)
    lookback_day: int | None = None
    paused_until: datetime | None = None
    stored: bool = False  # False: the defaults of someone who has not set anything up

    def slot_time(self, slot: str) -> time | None:
        return self.morning if slot == "morning" else self.evening if slot == "evening" else None

    def paused_at(self, moment: datetime) -> bool:
        return self.paused_until is not None and moment < self.paused_until

    @property
    def has_checkins(self) -> bool:
        """A check-in time is set on at least one weekday."""
        return bool(self.weekdays) and (self.morning is not None or self.evening is not None)

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start != self.quiet_end


def hhmm(value: time | None) -> str | None:
    return None if value is None else f"{value.hour:02d}:{value.minute:02d}"


def _time(text: str | None) -> time | None:
    return None if text is None else time.fromisoformat(text)


def from_row(row: Row) -> Schedule:
    quiet_start, quiet_end = _time(row["quiet_start"]), _time(row["quiet_end"])
    assert quiet_start is not None and quiet_end is not None
    return Schedule(
        participant_id=row["participant_id"],
        morning=_time(row["morning"]),
        evening=_time(row["evening"]),
        weekdays=frozenset(int(c) for c in row["weekdays"]),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        lookback_day=row["lookback_day"],
        paused_until=maybe_from_db(row["paused_until"]),
        stored=True,
    )


async def get(tx: Tx, participant_id: int) -> Schedule:
    """The stored schedule, or the defaults (no check-ins) when there is none yet."""
    row = await tx.one("SELECT * FROM schedules WHERE participant_id = ?", (participant_id,))
    return Schedule(participant_id) if row is None else from_row(row)


async def save(tx: Tx, schedule: Schedule, now: datetime) -> Schedule:
    await tx.execute(
        "INSERT INTO schedules (participant_id, morning, evening, weekdays, quiet_start, quiet_end,"
        " lookback_day, paused_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (participant_id) DO UPDATE SET morning = excluded.morning,"
        " evening = excluded.evening, weekdays = excluded.weekdays, quiet_start = excluded.quiet_start,"
        " quiet_end = excluded.quiet_end, lookback_day = excluded.lookback_day,"
        " paused_until = excluded.paused_until, updated_at = excluded.updated_at",
        (
            schedule.participant_id,
            hhmm(schedule.morning),
            hhmm(schedule.evening),
            "".join(str(d) for d in sorted(schedule.weekdays)),
            hhmm(schedule.quiet_start),
            hhmm(schedule.quiet_end),
            schedule.lookback_day,
            None if schedule.paused_until is None else to_db(schedule.paused_until),
            to_db(now),
        ),
    )
    return replace(schedule, stored=True)


async def update(tx: Tx, participant_id: int, now: datetime, **changes: Any) -> Schedule:
    """Change some fields (creating the row with defaults if needed); returns the new schedule."""
    current = await get(tx, participant_id)
    return await save(tx, replace(current, **changes), now)


@dataclass(frozen=True)
class Plannable:
    participant_id: int
    timezone: str
    schedule: Schedule


async def active_batch(tx: Tx, after_id: int, limit: int, needs: str) -> list[Plannable]:
    """Active participants with a stored schedule and the consent scope `needs` granted, by id, for the
    daily planning job."""
    rows = await tx.all(
        "SELECT schedules.*, participants.timezone FROM schedules"  # noqa: S608 (only placeholders)
        " JOIN participants ON participants.id = schedules.participant_id"
        " WHERE participants.status = 'active' AND schedules.participant_id > ?"
        f" AND {consents.granted_sql('participants.id', '?')}"
        " ORDER BY schedules.participant_id LIMIT ?",
        (after_id, needs, limit),
    )
    return [Plannable(row["participant_id"], row["timezone"], from_row(row)) for row in rows]
