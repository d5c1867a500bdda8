"""Raising a summary signal: only kinds from the catalogue, only with the consent scope that allows it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from dialogs.signal_catalogue import KIND_BY_KEY
from dialogs.turn import Turn
from storage import consents, signals
from storage.database import Tx

log = logging.getLogger(__name__)

KINDS = KIND_BY_KEY


async def allowed(tx: Tx, participant_id: int, kind: str) -> bool:
    """Whether the participant's consent in force lets this kind of signal exist."""
    record = (await consents.current(tx, participant_id)).get(KINDS[kind].scope)
    return record is not None and record.granted


async def raise_signal_for(
    tx: Tx,
    participant_id: int,
    kind: str,
    category: str | None,
    now: datetime,
    *,
    unless_within: timedelta | None = None,
) -> bool:
    """Store a signal if consent allows it; True when stored (or one of the kind is recent enough).

    Without the consent nothing is created at all: not a hidden row, not a counter. `unless_within`
    skips a repeat of the same kind inside that window (one crisis, one signal).
    """
    spec = KINDS[kind]  # an unknown kind is a programming error, not something a user can cause
    if not spec.category_ok(category):
        raise ValueError(f"category {category!r} is not allowed for signal kind {kind}")
    if not await allowed(tx, participant_id, kind):
        return False
    if unless_within is not None:
        last = await signals.latest(tx, participant_id, kind)
        if last is not None and now - last < unless_within:
            return True
    await signals.insert(tx, participant_id, kind, category, now)
    log.info("signal %s raised", kind)
    return True


async def raise_signal(
    turn: Turn, kind: str, category: str | None = None, *, unless_within: timedelta | None = None
) -> bool:
    """Store a signal for the turn's participant if their consent allows it; True when stored."""
    if turn.participant is None:
        return False
    return await raise_signal_for(
        turn.tx, turn.participant.id, kind, category, turn.now, unless_within=unless_within
    )
