"""Raising a summary signal: only kinds from the catalogue, only with the consent scope that allows it."""

from __future__ import annotations

from dialogs.signal_catalogue import SIGNAL_KINDS
from dialogs.turn import Turn
from storage import consents, signals

KINDS = {kind.key: kind for kind in SIGNAL_KINDS}


async def raise_signal(turn: Turn, kind: str, category: str | None = None) -> bool:
    """Store a signal for the turn's participant if their consent allows it; True when stored.

    Without the consent nothing is created at all: not a hidden row, not a counter.
    """
    spec = KINDS[kind]  # an unknown kind is a programming error, not something a user can cause
    participant = turn.participant
    if participant is None:
        return False
    record = (await consents.current(turn.tx, participant.id)).get(spec.scope)
    if record is None or not record.granted:
        return False
    await signals.insert(turn.tx, participant.id, kind, category, turn.now)
    return True
