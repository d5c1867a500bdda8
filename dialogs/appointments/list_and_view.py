"""The /appointments list and one appointment's view: what is coming and what was recently, and what can
be done with one appointment (confirm or decline a coach's proposal, get its calendar file, choose its
reminders, change its day, time or place, remove it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from dialogs.appointments import answers
from dialogs.appointments.conversation_state import (
    AppointmentStep,
    ahead,
    at_hand,
    back_choice,
    gone,
    sealer,
    to_list,
    to_view,
)
from dialogs.appointments.reminder_choices import choose_for
from dialogs.appointments.reminder_plan import calendar_for, remove, upcoming_reminders
from dialogs.appointments.wording import (
    ANSWER_LABELS,
    CALENDAR_FILE,
    KIND_ICONS,
    OUTCOME_LABELS,
    details,
    help_list,
    one_line,
    when_sentence,
)
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, ChoiceHandler, Go, Next
from dialogs.core.turn import Turn
from dialogs.participation.menu import sos_choice
from dialogs.pictures import appointments_picture
from storage import appointments
from storage.appointments import Appointment

LIST_LIMIT = 8
RECENT = timedelta(days=14)


# --- the list ------------------------------------------------------------------------------------------


async def show_list(turn: Turn) -> None:
    tr, pid = turn.tr, turn.person.id
    coming = await appointments.upcoming(turn.tx, pid, turn.now)
    recent = await appointments.between(turn.tx, pid, turn.now - RECENT, turn.now)
    lines = []
    if coming:
        lines.append(tr("Your next appointments:"))
        for appointment in coming[:LIST_LIMIT]:
            line = "• " + one_line(tr, appointment)
            if not appointment.confirmed:
                line += " " + tr("(waiting for your answer)")
            lines.append(line)
        if len(coming) > LIST_LIMIT:
            extra = len(coming) - LIST_LIMIT
            lines.append(tr.ngettext("And {n} more later.", "And {n} more later.", extra))
    else:
        lines.append(tr("You have no upcoming appointments."))
    done = [a for a in recent if a.confirmed][-LIST_LIMIT:]
    if done:
        lines += ["", tr("Recently:")]
        for appointment in done:
            outcome = f" – {tr(OUTCOME_LABELS[appointment.outcome])}" if appointment.outcome else ""
            lines.append("• " + one_line(tr, appointment) + outcome)
    choices = [
        [sos_choice(turn)],
        *[[Choice(one_line(tr, a), act("open", a.id))] for a in coming[:LIST_LIMIT]],
    ]
    if appointments_picture.appointments_picture(tr, turn.now, coming) is not None:
        choices.append([Choice(tr("📅 As a picture"), act("picture"))])
    choices.append([Choice(tr("➕ Add an appointment"), act("add"))])
    choices.append([Choice(tr("🔔 My usual reminders"), act("defaults"))])
    choices.append([Choice(tr("Back to the menu"), act("menu"))])
    turn.say("\n".join(lines), choices)


async def open_one(turn: Turn, action: Action) -> Next:
    appointment_id = action.number()
    return STAY if appointment_id is None else to_view(appointment_id)


async def send_picture(turn: Turn, action: Action) -> Next:
    """The next two weeks as a calendar picture; the list and its buttons stay where they are."""
    coming = await appointments.upcoming(turn.tx, turn.person.id, turn.now)
    picture = appointments_picture.appointments_picture(turn.tr, turn.now, coming)
    if picture is None:  # the last one of the two weeks began meanwhile
        turn.say(turn.tr("You have no appointments in the next two weeks."))
        return STAY
    turn.say(appointments_picture.caption(turn.tr), attachment=picture.attachment())
    return DONE


async def add(turn: Turn, action: Action) -> Next:
    return Go(AppointmentStep.DAY, {"draft": {}}, fresh=True)


# --- one appointment -----------------------------------------------------------------------------------


async def show_view(turn: Turn) -> Next | None:
    appointment = await ahead(turn)
    if appointment is None:
        return gone(turn)
    tr = turn.tr
    lines = [
        KIND_ICONS[appointment.kind] + " " + when_sentence(tr, appointment, turn.now),
        *details(tr, appointment, turn.config.encryption_keys),
    ]
    choices: list[list[Choice]] = [[sos_choice(turn)]]
    if not appointment.confirmed:
        lines += ["", tr("Your coach has added this appointment. Please confirm it, then I will remind you.")]
        choices += [
            [Choice(tr("✅ Yes, confirm it"), act("confirm")), Choice(tr("❌ No, remove it"), act("decline"))]
        ]
    else:
        if appointment.answer:
            lines.append(tr(ANSWER_LABELS[appointment.answer]))
        if appointment.help_needs:
            lines.append(tr("You asked for: {help}", help=help_list(tr, appointment.help_needs)))
        planned = await upcoming_reminders(turn.tx, turn.person, appointment.id)
        lines.append(_reminder_sentence(turn, [item.due_at for item in planned]))
        if any(item.payload.get("moved") for item in planned):
            lines.append(tr("A reminder that would come in your quiet hours comes before they begin."))
        choices += [
            [Choice(tr("🔔 Reminders"), act("reminders")), Choice(tr("📅 Calendar file"), act("ics"))]
        ]
    choices.append([Choice(tr("🕒 Change the day or time"), act("edit_time"))])
    if sealer(turn) is not None:
        choices.append([Choice(tr("📍 Change the place"), act("edit_place"))])
    choices += [[Choice(tr("🗑 Remove this appointment"), act("remove"))], [back_choice(turn)]]
    turn.say("\n".join(lines), choices)
    return None


def _reminder_sentence(turn: Turn, times: list[datetime]) -> str:
    tr = turn.tr
    if not times:
        return tr("No more reminders are planned for this appointment.")
    listed = tr.semicolon.join(f"{tr.short_date(moment)}{tr.comma}{tr.time(moment)}" for moment in times)
    return tr("I will remind you: {times}", times=listed)


def on_appointment(handler: Callable[[Turn, Appointment], Awaitable[Next]]) -> ChoiceHandler:
    """A button of the view: it acts on the appointment shown, or says that it is gone."""

    async def run(turn: Turn, action: Action) -> Next:
        appointment = await ahead(turn)
        return gone(turn) if appointment is None else await handler(turn, appointment)

    return run


async def _confirm(turn: Turn, appointment: Appointment) -> Next:
    await answers.confirm_proposal(turn, appointment)
    return STAY


async def _decline(turn: Turn, appointment: Appointment) -> Next:
    await answers.decline_proposal(turn, appointment)
    return to_list()


async def _calendar_file(turn: Turn, appointment: Appointment) -> Next:
    if appointment.confirmed:
        turn.say(turn.tr(CALENDAR_FILE), attachment=await calendar_for(turn, appointment))
    return STAY


async def _change_time(turn: Turn, appointment: Appointment) -> Next:
    return Go(AppointmentStep.DAY, {"draft": {}, "edit": "time"})


async def _change_place(turn: Turn, appointment: Appointment) -> Next:
    if sealer(turn) is None:
        return STAY
    return Go(AppointmentStep.PLACE, {"draft": {}, "edit": "place"})


async def _ask_to_remove(turn: Turn, appointment: Appointment) -> Next:
    return Go(AppointmentStep.REMOVE)


VIEW_CHOICES: dict[str, ChoiceHandler] = {
    "confirm": on_appointment(_confirm),
    "decline": on_appointment(_decline),
    "ics": on_appointment(_calendar_file),
    "reminders": on_appointment(choose_for),
    "edit_time": on_appointment(_change_time),
    "edit_place": on_appointment(_change_place),
    "remove": on_appointment(_ask_to_remove),
}


# --- removing it ---------------------------------------------------------------------------------------


async def show_remove(turn: Turn) -> None:
    tr = turn.tr
    turn.say(
        tr(
            "Do you want to remove this appointment from your list? Then I will not remind you of it anymore."
        ),
        [[Choice(tr("Yes, remove it"), act("yes")), Choice(tr("No, keep it"), act("back"))]],
    )


async def remove_it(turn: Turn, action: Action) -> Next:
    appointment = await at_hand(turn)  # one that has just begun can still be removed
    if appointment is None:
        return gone(turn)
    await remove(turn.tx, turn.person, appointment.id, turn.now)
    turn.say(turn.tr(answers.REMOVED))
    return to_list()
