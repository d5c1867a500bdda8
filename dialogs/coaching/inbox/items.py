"""Inbox items: made from delivered signals, listed for a team, taken, closed with an outcome, hidden at
once on a withdrawal. Every change is audited and posted to the organisation's webhook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dialogs.coaching import webhooks
from dialogs.coaching.coach_chat import audit_coach
from dialogs.coaching.inbox import events
from dialogs.coaching.inbox.access import may_see_item, scope_still_on
from dialogs.coaching.inbox.escalation import plan_escalation, working_deadline
from dialogs.coaching.summary import granted_since
from dialogs.signals.catalogue import KIND_BY_KEY
from storage import audit, coaches, inbox, org_pseudonyms
from storage.coaches import Coach
from storage.database import Tx
from storage.inbox import Item, Outcome, Status
from storage.signals import Signal

SHOWN = (Status.OPEN, Status.TAKEN)


@dataclass(frozen=True)
class ItemView:
    """An item as a coach of its team sees it: by the pseudonym the organisation knows the person by."""

    item: Item
    pseudonym: str
    assigned: tuple[str, ...]  # names of the participant's assigned coaches in the organisation


async def _view(tx: Tx, item: Item, now: datetime) -> ItemView:
    known = await org_pseudonyms.for_organisation(tx, item.participant_id, item.organisation_id, now)
    names = tuple(c.name for c in await coaches.assigned(tx, item.participant_id, item.organisation_id))
    return ItemView(item, known, names)


async def add_for_signal(tx: Tx, signal: Signal, urgent: bool, now: datetime) -> list[int]:
    """One open item for each organisation the signal reaches: linked, meant for it, its scope granted
    since before the signal. Urgent items get their escalation time and its due rows."""
    kind = KIND_BY_KEY.get(signal.kind)
    if kind is None:
        return []
    made = []
    for organisation_id, _ in await coaches.organisations_of(tx, signal.participant_id):
        if not signal.meant_for(organisation_id):
            continue
        since = (await granted_since(tx, signal.participant_id, organisation_id)).get(kind.scope)
        if since is None or signal.created_at < since:
            continue
        deadline = None
        if urgent:
            deadline = working_deadline(signal.created_at, await inbox.settings(tx, organisation_id))
        item_id = await inbox.add(
            tx,
            signal_id=signal.id,
            participant_id=signal.participant_id,
            organisation_id=organisation_id,
            urgent=urgent,
            escalate_at=deadline,
            now=now,
        )
        if item_id is not None:
            made.append(item_id)
            if deadline is not None:
                await plan_escalation(tx, organisation_id, item_id, deadline, now)
    return made


async def _visible(tx: Tx, coach: Coach, items: list[Item], now: datetime) -> list[ItemView]:
    return [await _view(tx, item, now) for item in items if await may_see_item(tx, coach, item)]


async def open_items(tx: Tx, coach: Coach, now: datetime) -> list[ItemView]:
    """The team's open and taken items the coach may see: escalated first, then urgent, then oldest."""
    found = await inbox.of_organisation(tx, coach.organisation_id, SHOWN)
    return await _visible(tx, coach, found, now)


async def closed_items(tx: Tx, coach: Coach, now: datetime) -> list[ItemView]:
    found = await inbox.of_organisation(tx, coach.organisation_id, (Status.CLOSED,))
    return await _visible(tx, coach, found, now)


async def _allowed(tx: Tx, item_id: int, coach: Coach) -> Item | None:
    item = await inbox.get(tx, item_id)
    if item is None or not await may_see_item(tx, coach, item):
        return None
    return item


async def _changed(tx: Tx, coach: Coach, item_id: int, action: str, now: datetime, **detail: str) -> ItemView:
    item = await inbox.get(tx, item_id)
    assert item is not None
    view = await _view(tx, item, now)
    await audit_coach(tx, coach, action, view.pseudonym, now, {"kind": item.kind, **detail})
    await webhooks.post_item_status(tx, item, view.pseudonym, now)
    return view


async def take(tx: Tx, item_id: int, coach: Coach, now: datetime) -> ItemView | None:
    """The coach takes the item (or takes it over from a colleague); None when not allowed or closed."""
    if await _allowed(tx, item_id, coach) is None or not await inbox.take(tx, item_id, coach.id, now):
        return None
    return await _changed(tx, coach, item_id, events.ITEM_TAKEN, now)


async def close(
    tx: Tx, item_id: int, coach: Coach, outcome: Outcome, follow_up: date | None, now: datetime
) -> ItemView | None:
    """Close with an outcome category and an optional follow-up day; None when not allowed or closed."""
    if await _allowed(tx, item_id, coach) is None:
        return None
    if not await inbox.close(tx, item_id, coach.id, outcome, follow_up, now):
        return None
    return await _changed(tx, coach, item_id, events.ITEM_CLOSED, now, outcome=outcome.value)


async def withdraw_scope(tx: Tx, participant_id: int, organisation_id: int | None, now: datetime) -> int:
    """A withdrawal: every item of the participant whose scope is no longer granted (to one organisation,
    or None: to any) is hidden at once; the organisation's webhook is told so its system can hide it."""
    hidden = 0
    for org_id, name in await coaches.organisations_of(tx, participant_id):
        if organisation_id is not None and org_id != organisation_id:
            continue
        for item in await inbox.of_participant(tx, participant_id, org_id):
            if item.status is Status.WITHDRAWN or await scope_still_on(tx, item):
                continue
            await inbox.withdraw(tx, [item.id])
            hidden += 1
            known = await org_pseudonyms.for_organisation(tx, participant_id, org_id, now)
            gone = await inbox.get(tx, item.id)
            assert gone is not None
            await audit.append(
                tx,
                action=events.ITEM_WITHDRAWN,
                now=now,
                pseudonym=known,
                organisation=name,
                detail={"kind": item.kind},
            )
            await webhooks.post_item_status(tx, gone, known, now)
    return hidden
