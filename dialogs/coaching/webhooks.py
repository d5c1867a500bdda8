"""Posts to organisations' webhooks: a signal, where the organisation may receive its kind, and the end of
a participation. Each post names the participant only by the pseudonym that organisation knows, goes out
through the outbox (its own lane per organisation, signed there) and is written to the audit log.
`docs/webhooks.md` describes the body.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from dialogs.coaching.summary import granted_since
from dialogs.core import outgoing
from dialogs.signals.catalogue import KIND_BY_KEY
from storage import audit, coaches, org_pseudonyms, organisations, signals
from storage.database import Tx
from storage.inbox import Item, Status
from storage.participants import Participant
from storage.times import to_db

WEBHOOK_SCHEMA = 1


async def _with_webhook(tx: Tx, organisation_id: int) -> organisations.Organisation | None:
    """The organisation, if it has a webhook."""
    organisation = await organisations.by_id(tx, organisation_id)
    return organisation if organisation is not None and organisation.webhook_url else None


async def _hooked(tx: Tx, participant_id: int) -> list[tuple[int, str]]:
    """(id, name) of the participant's organisations that have a webhook."""
    return [
        (organisation_id, name)
        for organisation_id, name in await coaches.organisations_of(tx, participant_id)
        if await _with_webhook(tx, organisation_id) is not None
    ]


def _body(
    post_type: str, organisation: str, pseudonym: str, time: datetime, /, **fields: object
) -> dict[str, object]:
    """A post's envelope (schema, a fresh id, its type, organisation, pseudonym), its fields, and its time."""
    return {
        "schema": WEBHOOK_SCHEMA,
        "id": str(uuid.uuid4()),
        "type": post_type,
        "organisation": organisation,
        "pseudonym": pseudonym,
        **fields,
        "time": to_db(time),
    }


async def _post(
    tx: Tx,
    organisation: tuple[int, str],
    participant_id: int,
    signal: signals.Signal | None,
    *,
    now: datetime,
) -> None:
    """One post about the participant to one organisation's webhook, and its audit entry: a signal, or
    (`signal` None) the end of the participation, which no withdrawal takes back."""
    organisation_id, name = organisation
    known = await org_pseudonyms.for_organisation(tx, participant_id, organisation_id, now)
    body = _body(
        "signal" if signal else "participation_ended",
        name,
        known,
        signal.created_at if signal else now,
        kind=signal.kind if signal else None,
        category=signal.category if signal else None,
    )
    about = participant_id if signal else None
    await outgoing.queue_webhook(tx, organisation_id, body, about, now)
    detail = {"kind": signal.kind, "channel": "webhook"} if signal else {"channel": "webhook"}
    action = audit.SIGNAL_DELIVERED if signal else audit.PARTICIPATION_ENDED
    await audit.append(tx, action=action, now=now, pseudonym=known, organisation=name, detail=detail)


async def post_signal(tx: Tx, participant: Participant, signal: signals.Signal, now: datetime) -> None:
    """Post a signal to each linked organisation's webhook that may receive its kind (and that it is meant
    for), and only if the scope was on when the signal was made."""
    kind = KIND_BY_KEY[signal.kind]
    for organisation in await _hooked(tx, participant.id):
        if not signal.meant_for(organisation[0]):
            continue
        since = (await granted_since(tx, participant.id, organisation[0])).get(kind.scope)
        if since is None or signal.created_at < since:
            continue
        await _post(tx, organisation, participant.id, signal, now=now)
        await signals.mark_delivered(tx, signal.id, now)


async def post_participation_ended(tx: Tx, participant: Participant, now: datetime) -> None:
    """Tell each linked organisation's webhook that the participation ended."""
    for organisation in await _hooked(tx, participant.id):
        await _post(tx, organisation, participant.id, None, now=now)


async def post_item_status(tx: Tx, item: Item, pseudonym: str, now: datetime) -> None:
    """An inbox item changed (taken, closed with an outcome, or withdrawn by the participant): tell the
    organisation's webhook. The item is named by the signal's kind and time, as its `signal` post named it,
    so a case system can find it and hide what was withdrawn. A withdrawal post is never taken back."""
    organisation = await _with_webhook(tx, item.organisation_id)
    if organisation is None:
        return
    body = _body(
        "item_withdrawn" if item.status is Status.WITHDRAWN else "item_status",
        organisation.name,
        pseudonym,
        now,
        item=item.id,
        kind=item.kind,
        signal_time=to_db(item.created_at),
        status=item.status.value,
        outcome=item.outcome.value if item.outcome else None,
        follow_up=item.follow_up.isoformat() if item.follow_up else None,
        escalated=item.escalated,
    )
    about = None if item.status is Status.WITHDRAWN else item.participant_id
    await outgoing.queue_webhook(tx, organisation.id, body, about, now)


async def post_connection(
    tx: Tx, participant_id: int, organisation_id: int, linked: bool, now: datetime
) -> None:
    """The participant connected with the organisation (`linked`) or ended the connection: tell its webhook,
    so a case system can open or close its record (and hide what it had on an end). Never taken back."""
    organisation = await _with_webhook(tx, organisation_id)
    if organisation is None:
        return
    known = await org_pseudonyms.for_organisation(tx, participant_id, organisation_id, now)
    body = _body("connected" if linked else "connection_ended", organisation.name, known, now)
    await outgoing.queue_webhook(tx, organisation_id, body, None, now)
    action = audit.LINKED if linked else audit.UNLINKED
    await audit.append(
        tx,
        action=action,
        now=now,
        pseudonym=known,
        organisation=organisation.name,
        detail={"channel": "webhook"},
    )


async def post_handed_over(tx: Tx, participant_id: int, organisation_id: int, now: datetime) -> None:
    """The case moved to another coach of the organisation: tell its webhook (the pseudonym only; the
    case system knows its own staff)."""
    organisation = await _with_webhook(tx, organisation_id)
    if organisation is None:
        return
    known = await org_pseudonyms.for_organisation(tx, participant_id, organisation_id, now)
    body = _body("handed_over", organisation.name, known, now)
    await outgoing.queue_webhook(tx, organisation_id, body, participant_id, now)
