"""Raising a summary signal: only kinds from the catalogue, only when some organisation may receive it.

Consent for sharing is given per organisation, so a signal is stored only if at least one organisation
the participant is linked to may receive its kind right now. A signal may also be meant for one organisation
only (the contact request from the crisis card names whom to ask): then that organisation must allow it,
and no other one receives it. What happens next (alerts to coaches, the
digest, webhooks) is `dialogs.coaching.alerts.route_signal`, in the same transaction; each delivery
checks that organisation's consent again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from dialogs.coaching.alerts import route_signal
from dialogs.core.turn import Turn
from dialogs.signals.catalogue import KIND_BY_KEY
from storage import coaches, consents, signals
from storage.database import Tx

log = logging.getLogger(__name__)

KINDS = KIND_BY_KEY


async def organisations_allowed(tx: Tx, participant_id: int, scope: str) -> list[int]:
    """The linked organisations the participant allows this scope right now."""
    allowed_ids = []
    for organisation_id, _ in await coaches.organisations_of(tx, participant_id):
        if scope in await consents.granted_to(tx, participant_id, organisation_id):
            allowed_ids.append(organisation_id)
    return allowed_ids


async def allowed(tx: Tx, participant_id: int, kind: str, organisation_id: int | None = None) -> bool:
    """Whether at least one linked organisation (or this one) may receive this kind of signal right now."""
    found = await organisations_allowed(tx, participant_id, KINDS[kind].scope)
    return bool(found) if organisation_id is None else organisation_id in found


async def raise_signal_for(
    tx: Tx,
    participant_id: int,
    kind: str,
    category: str | None,
    now: datetime,
    *,
    unless_within: timedelta | None = None,
    organisation_id: int | None = None,
) -> bool:
    """Store a signal if consent allows it; True when stored (or one of the kind is recent enough).

    Without the consent nothing is created at all: not a hidden row, not a counter. `unless_within`
    skips a repeat of the same kind inside that window (one crisis, one signal). `organisation_id`: meant
    for that organisation only, and stored only if it may receive the kind.
    """
    spec = KINDS[kind]  # an unknown kind is a programming error, not something a user can cause
    if not spec.stored:
        raise ValueError(f"signal kind {kind} is a notice to coaches, never stored as a signal")
    if not spec.category_ok(category):
        raise ValueError(f"category {category!r} is not allowed for signal kind {kind}")
    if not await allowed(tx, participant_id, kind, organisation_id):
        return False
    if unless_within is not None:
        last = await signals.latest(tx, participant_id, kind, organisation_id)
        if last is not None and now - last < unless_within:
            return True
    signal_id = await signals.insert(tx, participant_id, kind, category, now, organisation_id)
    log.info("signal %s raised", kind)
    await route_signal(tx, signal_id, participant_id, now)
    return True


async def raise_signal(
    turn: Turn,
    kind: str,
    category: str | None = None,
    *,
    unless_within: timedelta | None = None,
    organisation_id: int | None = None,
) -> bool:
    """Store a signal for the turn's participant if their consent allows it; True when stored."""
    if turn.participant is None:
        return False
    return await raise_signal_for(
        turn.tx,
        turn.participant.id,
        kind,
        category,
        turn.now,
        unless_within=unless_within,
        organisation_id=organisation_id,
    )
