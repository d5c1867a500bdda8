"""What a coach's daily summary and their held urgent alerts say when they come (`alert_times.py` plans
them): every waiting signal still allowed, one message each with its buttons. What is no longer allowed
is dropped (fail closed); nothing waiting, no message: a quiet day stays quiet.
"""

from __future__ import annotations

from dialogs.coaching.alert_times import plan_digests
from dialogs.coaching.alerts import ack_choices, alert_text, record_delivery, still_allowed
from dialogs.coaching.coach_chat import coach_of, known_as
from dialogs.core.turn import Turn
from storage import participants, signal_deliveries, signals
from storage.due import DueItem

DIGEST_MAX = 20  # signals shown one by one in a digest; the rest are counted


async def _send_waiting(turn: Turn, *, urgent_only: bool, header: bool) -> None:
    """Send the coach's waiting signals that are still allowed; drop the others."""
    coach = coach_of(turn)
    tr, ready = turn.tr, []
    for delivery in await signal_deliveries.waiting(turn.tx, coach.id, urgent_only=urgent_only):
        signal = await signals.get(turn.tx, delivery.signal_id)
        participant = await participants.by_id(turn.tx, delivery.participant_id)
        if (
            signal is None
            or participant is None
            or not await still_allowed(turn.tx, coach, participant.id, signal)
        ):
            await signal_deliveries.settle(turn.tx, delivery.id, "dropped", turn.now)
            continue
        ready.append((delivery, signal, participant))
    if ready and header:
        turn.say(
            tr.ngettext(
                "Your daily summary: {n} new signal.", "Your daily summary: {n} new signals.", len(ready)
            )
        )
    for number, (delivery, signal, participant) in enumerate(ready):
        await signal_deliveries.settle(turn.tx, delivery.id, "sent", turn.now)
        known = await known_as(turn.tx, coach, participant.id, turn.now)
        if number < DIGEST_MAX:
            turn.say(alert_text(tr, known, signal), ack_choices(tr, delivery.id))
        await record_delivery(turn.tx, coach, known, signal, "digest", turn.now)
    if len(ready) > DIGEST_MAX:
        more = len(ready) - DIGEST_MAX
        turn.say(tr.ngettext("{n} more signal is in /cases.", "{n} more signals are in /cases.", more))


async def digest_due(turn: Turn, item: DueItem) -> None:
    """The daily digest, and the next ones kept planned."""
    await _send_waiting(turn, urgent_only=False, header=True)
    await plan_digests(turn.tx, coach_of(turn), turn.now)


async def held_due(turn: Turn, item: DueItem) -> None:
    """Quiet hours are over: the urgent signals held back go out now."""
    await _send_waiting(turn, urgent_only=True, header=False)
