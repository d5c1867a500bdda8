"""Storing what the /appointments questions gathered: a new appointment, a new time, a new place.

Nothing is stored before the last answer. Whatever is saved is said, comes with its calendar file (a newer
version replaces the old entry in the calendar app) and the appointment is shown.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.appointments.conversation_state import (
    AppointmentStep,
    ahead,
    draft,
    draft_moment,
    gone,
    sealer,
    to_view,
)
from dialogs.appointments.reminder_plan import calendar_for, renew_reminders
from dialogs.appointments.wording import CALENDAR_FILE
from dialogs.coaching.proposal_answers import answered
from dialogs.core.flow import Go, Next
from dialogs.core.turn import Turn
from storage import appointments
from storage.appointments import KINDS
from storage.proposals import State


async def save_new(turn: Turn, note: str | None) -> Next:
    """The last answer of a new appointment: store it (the place comes sealed in the draft)."""
    found = draft(turn)
    moment = draft_moment(turn)
    kind = found.get("kind")
    if moment is None or kind not in KINDS:
        return Go(AppointmentStep.DAY, {"draft": {}}, fresh=True)
    if moment <= turn.now:
        turn.say(turn.tr("That time has passed in the meantime. Please choose the day again."))
        return Go(AppointmentStep.DAY)
    seal = sealer(turn)
    place = found.get("place")
    created = await appointments.create(
        turn.tx,
        participant_id=turn.person.id,
        starts_at=moment,
        kind=str(kind),
        place=place.encode("ascii") if isinstance(place, str) and seal is not None else None,
        note=seal.seal(note) if note is not None and seal is not None else None,
        status="confirmed",
        added_by="participant",
        now=turn.now,
    )
    await renew_reminders(turn.tx, turn.person, created.id, turn.now)
    return await _saved(turn, created.id, turn.tr("Saved."))


async def save_time(turn: Turn, moment: datetime) -> Next:
    appointment = await ahead(turn)
    if appointment is None:
        return gone(turn)
    await appointments.move(turn.tx, appointment.id, moment, turn.now)
    await renew_reminders(turn.tx, turn.person, appointment.id, turn.now, moved=True)
    done = turn.tr("Done. The new time is saved.")
    learns = await answered(turn.tx, turn.tr, appointment.id, State.CHANGED, turn.now, moment)
    return await _saved(turn, appointment.id, f"{done} {learns}" if learns else done)


async def save_place(turn: Turn, sealed: bytes | None) -> Next:
    appointment = await ahead(turn)
    if appointment is None:
        return gone(turn)
    await appointments.set_place(turn.tx, appointment.id, sealed, turn.now)
    return await _saved(turn, appointment.id, turn.tr("Done. The place is changed."))


async def _saved(turn: Turn, appointment_id: int, done: str) -> Next:
    """Say what was saved, send the calendar file and show the appointment."""
    fresh = await appointments.get(turn.tx, appointment_id)
    assert fresh is not None
    if fresh.confirmed:
        turn.say(done + "\n" + turn.tr(CALENDAR_FILE), attachment=await calendar_for(turn, fresh))
    else:
        turn.say(done)
    return to_view(appointment_id)
