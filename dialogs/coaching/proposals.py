"""Appointment proposals by a coach, from the Telegram flow (`/appointment`) and the web case view alike:
the appointment is proposed to the participant, the proposal is kept for the proposer and their team to
see its answer (`proposal_answers.py`), and the audit log records who proposed it."""

from __future__ import annotations

from datetime import datetime

from dialogs.appointments.reminder_plan import propose
from dialogs.coaching.coach_chat import audit_coach, known_as
from storage import proposals
from storage.appointments import Appointment
from storage.coaches import Coach
from storage.database import Tx
from storage.participants import Participant

APPOINTMENT_PROPOSED = "appointment_proposed"


async def propose_for(
    tx: Tx,
    coach: Coach,
    participant: Participant,
    *,
    kind: str,
    starts_at: datetime,
    place: bytes | None,
    now: datetime,
    via: str = "telegram",
) -> Appointment:
    """Propose the appointment (`place` sealed or None); the caller has checked the coach's access."""
    appointment, _ = await propose(
        tx, participant, starts_at=starts_at, kind=kind, place=place, note=None, now=now
    )
    await proposals.add(
        tx,
        appointment_id=appointment.id,
        participant_id=participant.id,
        organisation_id=coach.organisation_id,
        coach_id=coach.id,
        kind=kind,
        starts_at=starts_at,
        now=now,
    )
    known = await known_as(tx, coach, participant.id, now)
    await audit_coach(tx, coach, APPOINTMENT_PROPOSED, known, now, {"kind": kind, "via": via})
    return appointment
