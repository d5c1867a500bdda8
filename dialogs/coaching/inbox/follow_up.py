"""Follow-up days: an item closed with a follow-up day comes back into the team inbox on that day (at the
start of the organisation's working hours), marked "follow-up", and the participant's assigned coaches are
notified like for a new item (the "something new" mail, held over their quiet hours; in Telegram only
outside their quiet hours). An item whose case or scope the team no longer has stays closed.

`reopen_due(tx, now)` is idempotent; the inbox's periodic work calls it after each sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs.coaching import webhooks
from dialogs.coaching.alert_times import in_quiet_hours
from dialogs.coaching.coach_chat import coach_translator, known_as, send_to_coach
from dialogs.coaching.inbox import events, notify
from dialogs.coaching.inbox.access import scope_still_on
from dialogs.coaching.inbox.escalation import work_clock
from dialogs.coaching.summary import CoachSignal, signal_text
from dialogs.core.i18n import N_
from dialogs.local_time import local_to_utc
from storage import audit, coaches, inbox, org_pseudonyms
from storage.database import Tx
from storage.inbox import Item

FOLLOW_UP = N_("🔁 Follow-up today: {pseudonym}: {signal}. It is back in the team inbox.")


async def _comes_back_at(tx: Tx, item: Item) -> datetime | None:
    if item.follow_up is None:
        return None
    settings = await inbox.settings(tx, item.organisation_id)
    return local_to_utc(item.follow_up, work_clock(settings.work_start), ZoneInfo(settings.timezone))


async def reopen_due(tx: Tx, now: datetime) -> list[Item]:
    """Bring back every closed item whose follow-up day has come; returns those brought back."""
    back = []
    for item in await inbox.follow_ups_due(tx, (now + timedelta(days=1)).date()):
        at = await _comes_back_at(tx, item)
        if at is None or at > now:
            continue
        still = await coaches.in_team_caseload(tx, item.organisation_id, item.participant_id)
        if not await inbox.reopen_for_follow_up(
            tx, item.id, now, reopen=still and await scope_still_on(tx, item)
        ):
            continue
        reopened = await inbox.get(tx, item.id)
        if reopened is None or reopened.followed_up_at is None or reopened.status is not inbox.Status.OPEN:
            continue
        await _tell(tx, reopened, now)
        back.append(reopened)
    return back


async def _tell(tx: Tx, item: Item, now: datetime) -> None:
    known = await org_pseudonyms.for_organisation(tx, item.participant_id, item.organisation_id, now)
    await audit.append(tx, action=events.ITEM_FOLLOW_UP, now=now, pseudonym=known, detail={"kind": item.kind})
    await webhooks.post_item_status(tx, item, known, now)
    shown = CoachSignal(item.signal_id, item.kind, item.category, item.created_at)
    for coach in await coaches.assigned(tx, item.participant_id, item.organisation_id):
        if not coach.active:
            continue
        await notify.something_new(tx, coach, now)
        if not in_quiet_hours(coach, now):
            tr = coach_translator(coach)
            text = tr(
                FOLLOW_UP,
                pseudonym=await known_as(tx, coach, item.participant_id, now),
                signal=signal_text(tr, shown),
            )
            await send_to_coach(tx, coach, text, now, about=item.participant_id)
