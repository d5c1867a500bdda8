"""A coach's answer to a signal: the lasting buttons "👁 Seen" and "📞 I will get in touch" under each
alert (`ack:seen:12`, `ack:contact:12`, the id of the coach's delivery). The answer is stored, audited and
shown to the coach's team (same organisation) in /case.
"""

from __future__ import annotations

from dialogs.coaching.alerts import still_allowed
from dialogs.coaching.coach_chat import audit_coach, known_as
from dialogs.core.actions import Action
from dialogs.core.flow import closed, show_current
from dialogs.core.turn import Turn
from storage import audit, signal_deliveries, signals
from storage.signal_deliveries import CONTACT, SEEN


async def ack_item(turn: Turn, action: Action) -> None:
    """A coach's "seen" / "I will get in touch" on a signal: only on their own delivery, only while they
    still may see that signal."""
    coach = turn.coach
    answer, delivery_id = action.arg(0), action.number(1)
    delivery = await signal_deliveries.get(turn.tx, delivery_id) if delivery_id is not None else None
    signal = await signals.get(turn.tx, delivery.signal_id) if delivery else None
    if (
        coach is None
        or delivery is None
        or signal is None
        or delivery.coach_id != coach.id
        or answer not in (SEEN, CONTACT)
        or not await still_allowed(turn.tx, coach, delivery.participant_id, signal)
    ):
        await closed(turn)
        return
    known = await known_as(turn.tx, coach, delivery.participant_id, turn.now)
    await signal_deliveries.acknowledge(
        turn.tx,
        signal_id=signal.id,
        participant_id=delivery.participant_id,
        coach_id=coach.id,
        action=answer,
        now=turn.now,
    )
    await audit_coach(
        turn.tx, coach, audit.SIGNAL_ACKNOWLEDGED, known, turn.now, {"kind": signal.kind, "answer": answer}
    )
    if answer == CONTACT:
        turn.say(
            turn.tr(
                "Noted: you will get in touch with {pseudonym}. Your team sees this in /case.",
                pseudonym=known,
            )
        )
    else:
        turn.say(turn.tr("Noted as seen. Your team sees this in /case."))
    await show_current(turn)
