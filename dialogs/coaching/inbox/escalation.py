"""Escalation: an urgent item (a contact request) that nobody of the team took within the time the
organisation sets, counted in its working hours, goes to the whole team: it is marked (first in the inbox)
and every active coach of the team is notified.

`escalate_due(tx, now)` does it for every item whose time ran out; it is idempotent and safe to call from
any periodic job. Each urgent item also gets due rows of kind `ESCALATE` at its deadline for the team's
coaches (the first one that comes up escalates; the others find nothing left).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.coaching.coach_chat import coach_translator, known_as, send_to_coach
from dialogs.coaching.inbox import events, notify
from dialogs.coaching.inbox.access import may_see_item
from dialogs.coaching.summary import CoachSignal, signal_text
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.local_time import local_day, local_to_utc
from storage import audit, coaches, due, inbox
from storage.database import Tx
from storage.due import DueItem
from storage.inbox import Item, TeamSettings

ESCALATE = "inbox_escalation"
ESCALATE_GRACE = timedelta(days=14)  # a late sweep still escalates
LOOKAHEAD_DAYS = 21  # more than any holiday run of closed days
ESCALATED = N_("🔴 For the whole team: {pseudonym}: {signal}. Nobody has taken it yet.")


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def working_deadline(start: datetime, settings: TeamSettings) -> datetime:
    """`start` plus the organisation's escalation minutes, counted only within its working hours."""
    zone = ZoneInfo(settings.timezone)
    left = timedelta(minutes=settings.escalate_after_minutes)
    day = local_day(start, zone)
    for offset in range(LOOKAHEAD_DAYS):
        current = day + timedelta(days=offset)
        if str(current.isoweekday()) not in settings.work_days:
            continue
        opens = local_to_utc(current, _clock(settings.work_start), zone)
        closes = local_to_utc(current, _clock(settings.work_end), zone)
        begin = max(start, opens)
        if begin >= closes:
            continue
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    return start + timedelta(minutes=settings.escalate_after_minutes)  # no working hours at all


async def plan_escalation(tx: Tx, organisation_id: int, item_id: int, at: datetime, now: datetime) -> None:
    for coach in await coaches.team(tx, organisation_id):
        await due.schedule_for_coach(
            tx,
            coach_id=coach.id,
            kind=ESCALATE,
            key=f"{ESCALATE}:{item_id}",
            due_at=at,
            now=now,
            grace=ESCALATE_GRACE,
        )


async def escalate_due(tx: Tx, now: datetime) -> list[Item]:
    """Escalate every urgent item still open after its time: mark it, tell the whole team."""
    done = []
    for item in await inbox.to_escalate(tx, now):
        if not await inbox.mark_escalated(tx, item.id, now):
            continue
        shown = CoachSignal(item.signal_id, item.kind, item.category, item.created_at)
        for coach in await coaches.team(tx, item.organisation_id):
            if not await may_see_item(tx, coach, item):
                continue
            known = await known_as(tx, coach, item.participant_id, now)
            tr = coach_translator(coach)
            await send_to_coach(
                tx,
                coach,
                tr(ESCALATED, pseudonym=known, signal=signal_text(tr, shown)),
                now,
                about=item.participant_id,
            )
            await notify.something_new(tx, coach, now, urgent=True)
            await audit.append(
                tx,
                action=events.ITEM_ESCALATED,
                now=now,
                pseudonym=known,
                coach_id=coach.id,
                coach_name=coach.name,
                organisation=coach.organisation,
                detail={"kind": item.kind},
            )
        done.append(item)
    return done


async def escalation_due(turn: Turn, item: DueItem) -> None:
    """The due row at an item's deadline came up in a team coach's chat."""
    await escalate_due(turn.tx, turn.now)
