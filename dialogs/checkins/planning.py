"""Turning a participant's schedule into due rows: pure planning in their time zone, and replanning.

Everything is planned in the participant's local time and stored as UTC. Across a daylight-saving change
a local time that does not exist (02:30 on 2026-03-29 in Berlin) moves forward by the gap (to 03:30), and
one that exists twice (02:30 on 2026-10-25) is taken at its first occurrence. Keys name the slot and the
local date (`checkin:morning:2026-11-23`), so planning twice is harmless.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialogs.consent_texts import CHECKINS
from dialogs.local_time import local_day, local_to_utc
from dialogs.quiet_hours import QuietHours
from storage import consents, due, participants, schedules
from storage.database import Tx
from storage.participants import Status
from storage.schedules import Schedule

SLOTS = ("morning", "evening")
PLAN_DAYS = 3  # today and the next two days; the daily job keeps the horizon filled
LOOKBACK_TIME = time(10, 0)
RESUME_TIME = time(8, 0)
# Kinds of rows planned from the schedule (deleted and planned afresh when it changes).
PLANNED_PREFIXES = ("checkin:morning:", "checkin:evening:", "lookback:")
TIME_PATTERN = re.compile(r"\s*(\d{1,2})[:.](\d{2})\s*(?:([ap])\.?\s*m\.?)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Planned:
    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any]


def parse_time(text: str) -> time | None:
    """`HH:MM` (or `H:MM`, `HH.MM`, `8:30 pm`) as a time of day; None for anything else ("25:00", "7",
    "ab:cd")."""
    match = TIME_PATTERN.fullmatch(text.replace("\u202f", " ").replace("\xa0", " "))
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2)), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Berlin")


def may_send(schedule: Schedule, zone: ZoneInfo, moment: datetime) -> bool:
    """Nothing is sent during a pause or during quiet hours."""
    return not schedule.paused_at(moment) and not QuietHours.of(schedule).contains(moment, zone)


def lookback_time(schedule: Schedule) -> time:
    if QuietHours.of(schedule).covers(LOOKBACK_TIME):
        return schedule.quiet_end
    return LOOKBACK_TIME


def resume_time(schedule: Schedule) -> time:
    return schedule.quiet_end if schedule.has_quiet_hours else RESUME_TIME


def plan(schedule: Schedule, zone: ZoneInfo, now: datetime, days: int = PLAN_DAYS) -> list[Planned]:
    """The check-in prompts and look-backs from now on for `days` local days; pure."""
    planned: list[Planned] = []
    quiet = QuietHours.of(schedule)
    today = local_day(now, zone)
    for offset in range(days):
        day = today + timedelta(days=offset)
        wanted: list[tuple[str, str, time, dict[str, Any]]] = []
        if day.isoweekday() in schedule.weekdays:
            for slot in SLOTS:
                at = schedule.slot_time(slot)
                if at is not None:
                    wanted.append(("checkin", f"checkin:{slot}:{day}", at, {"slot": slot, "day": str(day)}))
        if schedule.lookback_day == day.isoweekday():
            wanted.append(("lookback", f"lookback:{day}", lookback_time(schedule), {"day": str(day)}))
        for kind, key, at, payload in wanted:
            moment = local_to_utc(day, at, zone)
            if moment <= now or schedule.paused_at(moment) or quiet.contains(moment, zone):
                continue
            planned.append(Planned(kind, key, moment, payload))
    planned.sort(key=lambda p: p.due_at)
    return planned


async def plan_checkins(tx: Tx, participant_id: int, timezone: str, now: datetime, grace: timedelta) -> int:
    """Plan afresh after a change: future planned rows go, the new plan comes in. Rows already due stay
    for the sweep (their handler checks the settings in force). Returns how many rows were planned."""
    schedule = await schedules.get(tx, participant_id)
    for prefix in PLANNED_PREFIXES:
        await due.drop_pending(tx, participant_id, key_prefix=prefix, after=now)
    if not await may_plan(tx, participant_id):
        return 0
    return await _insert(tx, participant_id, schedule, zone_of(timezone), now, grace)


async def may_plan(tx: Tx, participant_id: int) -> bool:
    """Check-ins are planned only for an active participant who allows them now."""
    participant = await participants.by_id(tx, participant_id)
    return (
        participant is not None
        and participant.status is Status.ACTIVE
        and await consents.is_granted(tx, participant_id, CHECKINS)
    )


async def _insert(
    tx: Tx, participant_id: int, schedule: Schedule, zone: ZoneInfo, now: datetime, grace: timedelta
) -> int:
    rows = [
        (participant_id, p.kind, p.key, p.due_at, p.due_at + grace, json.dumps(p.payload))
        for p in plan(schedule, zone, now)
    ]
    await due.schedule_many(tx, rows, now)
    return len(rows)


async def plan_batch(tx: Tx, after_id: int, limit: int, now: datetime, grace: timedelta) -> int | None:
    """The daily job's step: add the coming days for a batch of participants (existing keys stay).

    Returns the last participant id handled, or None when there were no more.
    """
    batch = await schedules.active_batch(tx, after_id, limit, needs=CHECKINS)
    for entry in batch:
        await _insert(tx, entry.participant_id, entry.schedule, zone_of(entry.timezone), now, grace)
    return batch[-1].participant_id if batch else None
