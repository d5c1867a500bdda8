"""A due row (a reminder, a check-in, a coach's digest) came up: whether it still may run, and running it."""

from __future__ import annotations

import logging

from dialogs.consent_texts import CHECKINS
from dialogs.core.turn import Turn
from storage import consents, due
from storage.participants import Status

log = logging.getLogger(__name__)


async def run_due(turn: Turn) -> None:
    """A due row came up: expire it if late, cancel it if the person is not active, else run its handler."""
    item = await due.get(turn.tx, turn.event.due_id) if turn.event.due_id is not None else None
    if item is None or item.status != "pending" or item.chat_id != turn.chat_id:
        return
    kind = turn.registry.due.get(item.kind)
    if item.coach_id is not None:
        owner_ok = turn.coach is not None and turn.coach.id == item.coach_id and turn.coach.active
        owner = f"coach {item.coach_id}"
    else:
        # Fail closed: the participant is active and allows this kind of message now; what it says
        # carries the scope, so the outbox checks it again at sending.
        scope = turn.scope = kind.scope if kind is not None else CHECKINS
        owner_ok = (
            turn.participant is not None
            and turn.participant.status is Status.ACTIVE
            and await consents.is_granted(turn.tx, turn.participant.id, scope)
        )
        owner = turn.participant.pseudonym if turn.participant else "-"
    if not owner_ok:
        await due.settle(turn.tx, item.id, "cancelled", turn.now)
        return
    if turn.now > item.grace_until:
        await due.settle(turn.tx, item.id, "expired", turn.now)
        log.info("due %s (%s) for %s expired after its grace window", item.id, item.kind, owner)
        return
    if kind is None:
        log.error("no handler for due kind %s; row %s cancelled", item.kind, item.id)
        await due.settle(turn.tx, item.id, "cancelled", turn.now)
        return
    await kind.handler(turn, item)
    await due.settle(turn.tx, item.id, "done", turn.now)
