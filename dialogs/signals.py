"""Raising a summary signal: only kinds from the catalogue, only with the consent scope that allows it."""

from __future__ import annotations

from datetime import datetime

from dialogs.signal_catalogue import SIGNAL_KINDS
from dialogs.turn import Turn
from storage import consents, signals
from storage.database import Tx

KINDS = {kind.key: kind for kind in SIGNAL_KINDS}


async def raise_signal(turn: Turn, kind: str, category: str | None = None) -> bool:
    """Store a signal for the turn's participant if their consent allows it; True when stored.

    Without the consent nothing is created at all: not a hidden row, not a counter.
    """
    if turn.participant is None:
        return False
    return await raise_signal_for(turn.tx, turn.participant.id, kind, category, turn.now)


async def raise_signal_for(
    tx: Tx, participant_id: int, kind: str, category: str | None, now: datetime
) -> bool:
    """`raise_signal` outside a conversation (the outbox worker learning that messages bounce)."""
    spec = KINDS[kind]  # an unknown kind is a programming error, not something a user can cause
    record = (await consents.current(tx, participant_id)).get(spec.scope)
    if record is None or not record.granted:
        return False
    await signals.insert(tx, participant_id, kind, category, now)
    return True
