"""The participant answered a coach's proposal (confirmed, declined, changed its time): the proposal keeps
the answer for the proposer's team (web case page and inbox), the proposer is told in Telegram if they have
a chat, and the participant is told truthfully who learns it. Proposals made without a coach (`companion
appointment propose`) have no proposer: nobody is told, and the participant's text says so."""

from __future__ import annotations

from datetime import datetime

from dialogs.appointments.wording import kind_label
from dialogs.coaching.coach_chat import audit_coach, coach_translator, known_as, send_to_coach
from dialogs.core.i18n import N_, Translator
from storage import coaches, proposals
from storage.database import Tx
from storage.proposals import State

PROPOSAL_ANSWERED = "proposal_answered"
TOLD_COACH = {
    State.CONFIRMED: N_("✅ {pseudonym} confirmed your proposed appointment ({kind}, {time})."),
    State.DECLINED: N_("❌ {pseudonym} declined your proposed appointment ({kind}, {time})."),
    State.CHANGED: N_("🔁 {pseudonym} changed your proposed appointment ({kind}, {time}) to {new_time}."),
}
# What the participant reads about who learns the answer.
LEARNS_CONFIRMED = N_("{name} ({organisation}), who proposed it, and their team see that you confirmed it.")
LEARNS_DECLINED = N_(
    "{name} ({organisation}), who proposed it, and their team see that you declined it. "
    "If you need a different date, please talk to them."
)
LEARNS_CHANGED = N_("{name} ({organisation}), who proposed it, and their team see the new time.")
NOBODY_TOLD = N_("Nobody is told about this. If you need a different date, please talk to your coach.")


async def answered(
    tx: Tx,
    tr: Translator,
    appointment_id: int,
    state: State,
    now: datetime,
    new_starts_at: datetime | None = None,
) -> str | None:
    """Record the answer to the appointment's proposal and tell its proposer; returns the sentence for the
    participant about who learns it (None: the appointment was no coach's proposal)."""
    proposal = await proposals.of_appointment(tx, appointment_id)
    if proposal is None:
        return None
    if state is State.CONFIRMED and proposal.state is not State.WAITING:
        return None  # a changed proposal confirmed later: the team knows the time already
    await proposals.answer(tx, proposal.id, state, now, new_starts_at)
    coach = await coaches.by_id(tx, proposal.coach_id)
    if coach is None:
        return None
    if coach.active:
        coach_tr = coach_translator(coach)
        known = await known_as(tx, coach, proposal.participant_id, now)
        text = coach_tr(
            TOLD_COACH[state],
            pseudonym=known,
            kind=kind_label(coach_tr, proposal.kind),
            time=coach_tr.datetime(proposal.starts_at, "short"),
            new_time=coach_tr.datetime(new_starts_at, "short") if new_starts_at else "",
        )
        await send_to_coach(tx, coach, text, now, about=proposal.participant_id)
        await audit_coach(tx, coach, PROPOSAL_ANSWERED, known, now, {"state": state.value})
    learns = {State.CONFIRMED: LEARNS_CONFIRMED, State.DECLINED: LEARNS_DECLINED}.get(state, LEARNS_CHANGED)
    return tr(learns, name=coach.name, organisation=coach.organisation)
