"""Choosing reminders: for one appointment, or the participant's usual ones (`target` is "defaults"), which
serve new appointments and those without their own choice. Each tap switches one reminder on or off;
"Done" stores the choice and plans the reminders again.
"""

from __future__ import annotations

from dialogs.appointments.conversation_state import (
    AppointmentStep,
    ahead,
    back_choice,
    gone,
    to_list,
    to_view,
)
from dialogs.appointments.reminder_plan import chosen_reminders, plan_upcoming_reminders, renew_reminders
from dialogs.appointments.when import DEFAULT_REMINDERS, REMINDER_CODES
from dialogs.appointments.wording import REMINDER_LABELS
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next
from dialogs.core.turn import Turn
from storage import appointments
from storage.appointments import Appointment


async def choose_usual(turn: Turn, action: Action) -> Next:
    """From the list: the usual reminders, as stored or the programme's."""
    own = await appointments.default_reminders(turn.tx, turn.person.id)
    codes = own if own is not None else list(DEFAULT_REMINDERS)
    return Go(AppointmentStep.REMINDERS, {"target": "defaults", "codes": codes}, fresh=True)


async def choose_for(turn: Turn, appointment: Appointment) -> Next:
    """From an appointment's view: its reminders (a proposal gets reminders once it is confirmed)."""
    if not appointment.confirmed:
        return STAY
    codes = await chosen_reminders(turn.tx, appointment)
    return Go(AppointmentStep.REMINDERS, {"target": "appointment", "codes": codes})


def _codes(turn: Turn) -> list[str]:
    codes = turn.data.get("codes")
    return [code for code in REMINDER_CODES if isinstance(codes, list) and code in codes]


def _usual(turn: Turn) -> bool:
    return turn.data.get("target") == "defaults"


async def show_reminders(turn: Turn) -> None:
    tr = turn.tr
    chosen = _codes(turn)
    if _usual(turn):
        question = tr(
            "When should I usually remind you? This is for new appointments and for those without their "
            "own choice. Tap to switch a reminder on or off, then tap “Done”."
        )
    else:
        question = tr(
            "When should I remind you of this appointment? Tap to switch a reminder on or off, "
            "then tap “Done”."
        )
    rows = [
        [Choice(("✅ " if code in chosen else "⬜ ") + tr(REMINDER_LABELS[code]), act("toggle", code))]
        for code in REMINDER_CODES
    ]
    rows.append([Choice(tr("✔️ Done"), act("done")), back_choice(turn)])
    turn.say(question, rows)


async def toggle(turn: Turn, action: Action) -> Next:
    code = action.arg()
    if code not in REMINDER_CODES:
        return STAY
    chosen = _codes(turn)
    chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
    return Go(AppointmentStep.REMINDERS, {"codes": [c for c in REMINDER_CODES if c in chosen]})


async def done(turn: Turn, action: Action) -> Next:
    chosen = _codes(turn)
    if _usual(turn):
        await appointments.set_default_reminders(turn.tx, turn.person.id, chosen, turn.now)
        await plan_upcoming_reminders(turn.tx, turn.person, turn.now, only_defaults=True)
        turn.say(turn.tr("Done. Your usual reminders are saved and used for your appointments."))
        return to_list()
    appointment = await ahead(turn)
    if appointment is None:
        return gone(turn)
    await appointments.set_reminders(turn.tx, appointment.id, chosen, turn.now)
    await renew_reminders(turn.tx, turn.person, appointment.id, turn.now)
    turn.say(turn.tr("Done. Your reminders for this appointment are saved."))
    return to_view(appointment.id)
