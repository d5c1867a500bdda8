"""Who of a team may see what: the case of a participant linked to any coach of the organisation, and an
item only while the participant allows the organisation its scope, granted since before the signal."""

from __future__ import annotations

from dialogs.coaching.summary import granted_since
from dialogs.signals.catalogue import KIND_BY_KEY
from storage import coaches
from storage.coaches import Coach
from storage.database import Tx
from storage.inbox import Item, Status


async def may_see_case(tx: Tx, coach: Coach, participant_id: int) -> bool:
    """An active coach whose organisation has the participant in its caseload (assigned or covering)."""
    return coach.active and await coaches.in_team_caseload(tx, coach.organisation_id, participant_id)


async def scope_still_on(tx: Tx, item: Item) -> bool:
    kind = KIND_BY_KEY.get(item.kind)
    if kind is None:
        return False
    since = (await granted_since(tx, item.participant_id, item.organisation_id)).get(kind.scope)
    return since is not None and item.created_at >= since


async def may_see_item(tx: Tx, coach: Coach, item: Item) -> bool:
    return (
        item.status is not Status.WITHDRAWN
        and item.organisation_id == coach.organisation_id
        and await may_see_case(tx, coach, item.participant_id)
        and await scope_still_on(tx, item)
    )
