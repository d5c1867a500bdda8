"""Hand-over: a participant's case moves from their assigned coach to a colleague of the same organisation.
Both coaches are told (and it is audited), and so is the participant: who accompanies them is no secret.
What the organisation may see does not change (consent is given to the organisation, not to a coach)."""

from __future__ import annotations

from datetime import datetime

from dialogs.coaching.coach_chat import audit_coach, coach_translator, known_as, send_to_coach
from dialogs.coaching.inbox import events
from dialogs.core import outgoing
from dialogs.core.i18n import N_, Translator
from storage import coaches, participants
from storage.coaches import Coach
from storage.database import Tx
from storage.participants import Status

HANDED_TO = N_("➡️ {pseudonym} is now accompanied by {colleague}.")
HANDED_FROM = N_(
    "⬅️ {colleague} has handed {pseudonym} over to you. /case {pseudonym} shows what you may see."
)
TOLD_PARTICIPANT = N_(
    "At {organisation}, {name} accompanies you from now on. They see the same as before, no more. "
    "/coachview shows what your coaches can see."
)


async def hand_over(tx: Tx, participant_id: int, giver: Coach, taker: Coach, now: datetime) -> bool:
    """Move the case from `giver` to `taker` (active, same organisation, `giver` linked); False otherwise."""
    if (
        giver.id == taker.id
        or not taker.active
        or giver.organisation_id != taker.organisation_id
        or not await coaches.reassign(tx, participant_id, giver.id, taker.id, now)
    ):
        return False
    known = await known_as(tx, giver, participant_id, now)
    await send_to_coach(
        tx, giver, coach_translator(giver)(HANDED_TO, pseudonym=known, colleague=taker.name), now
    )
    await send_to_coach(
        tx, taker, coach_translator(taker)(HANDED_FROM, pseudonym=known, colleague=giver.name), now
    )
    await audit_coach(tx, giver, events.HANDED_OVER, known, now, {"to": taker.name})
    participant = await participants.by_id(tx, participant_id)
    if participant is not None and participant.status is Status.ACTIVE and participant.chat_id is not None:
        tr = Translator(participant.locale, "de", participant.timezone)
        await outgoing.queue_message(
            tx,
            chat_id=participant.chat_id,
            participant_id=participant.id,
            text=tr(TOLD_PARTICIPANT, organisation=taker.organisation, name=taker.name),
            choices=(),
            tokens=(),
            attachment=None,
            now=now,
            answer=False,
            sealer=None,
            scope=None,
            crisis=False,
        )
    return True
