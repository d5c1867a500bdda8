"""What arrives later about an appointment, and the one-tap answers to it.

Due rows bring the reminder, the "how did it go?" follow-up and a proposal made by staff. Their buttons are
lasting (`appt:<id>:<verb>[:<detail>]`) so they work whatever question the chat is at, and every tap is
checked against the stored appointment: another participant's, a removed or a long-past one is "closed".

What reaches a coach, and only with the sharing consent: "I need a new date" (new_date_needed), "I need
help to get there" with its category (help_to_get_there), and "please ask my coach to contact me"
(contact_requested), which is offered after "I can't come" (only when a coach may receive it) but never
raised by it. For a job-centre appointment "I can't come" also explains why to tell the job centre before
and offers a German message to copy (`dialogs/appointments/cannot_come.py`). "I can't come" on its
own tells nobody anything: the bot must not turn into a channel for absence notices, and the coach learns
only what the participant asks for. No answer is ever recorded as a missed appointment, and the follow-up's
answer stays with the participant.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.appointments.answer_buttons import ANSWER_WINDOW, not_shared
from dialogs.appointments.answer_buttons import BUTTON as BUTTON  # registered in dialogs/features.py
from dialogs.appointments.answer_buttons import button_action as _act
from dialogs.appointments.answer_buttons import lasting as _lasting
from dialogs.appointments.cannot_come import protects, say_protective
from dialogs.appointments.help_to_get_there import ask_help, chosen_help, help_needed
from dialogs.appointments.reminder_plan import (
    calendar_for,
    remind_again,
    remove,
    renew_reminders,
)
from dialogs.appointments.wording import (
    CALENDAR_FILE,
    HELP_LABELS,
    details,
    kind_label,
    when_sentence,
)
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import closed
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.signals.raising import allowed, raise_signal
from storage import appointments, buttons
from storage.appointments import Appointment
from storage.due import DueItem
from storage.participants import Status

FOLLOWUP_WINDOW = timedelta(days=3)
SNOOZE = timedelta(hours=1)
OUTCOMES = ("good", "okay", "hard", "skip")
NOT_GOING = frozenset({"cannot", "new_date"})  # answers after which no follow-up is asked
PROPOSAL_VERBS = frozenset({"confirm", "decline"})
REMOVED = N_("Removed. If it is in your calendar app, please delete it there too.")


def answer_choices(turn: Turn, appointment: Appointment) -> list[list[Choice]]:
    tr, ttl = turn.tr, _lasting(turn, appointment, ANSWER_WINDOW)
    rows = [
        [Choice(tr("✅ I'll be there"), _act(appointment, "there"), lasting=ttl)],
        [
            Choice(tr("🙁 I can't come"), _act(appointment, "cannot"), lasting=ttl),
            Choice(tr("📅 I need a new date"), _act(appointment, "new_date"), lasting=ttl),
        ],
        [Choice(tr("🤝 I need help to get there"), _act(appointment, "help"), lasting=ttl)],
    ]
    if appointment.starts_at - turn.now > SNOOZE:
        rows.append([Choice(tr("⏰ Remind me again in 1 hour"), _act(appointment, "snooze"), lasting=ttl)])
    return rows


async def send_reminder(turn: Turn, item: DueItem) -> None:
    appointment = await _due_appointment(turn, item)
    if appointment is None or not appointment.confirmed or appointment.starts_at <= turn.now:
        return
    lines = [
        "⏰ " + when_sentence(turn.tr, appointment, turn.now),
        *details(turn.tr, appointment, turn.config.encryption_keys),
        "",
        turn.tr("You can answer with one tap. Or not at all: that is fine too."),
    ]
    turn.say("\n".join(lines), answer_choices(turn, appointment))


async def ask_followup(turn: Turn, item: DueItem) -> None:
    appointment = await _due_appointment(turn, item)
    if appointment is None or not appointment.confirmed or appointment.outcome is not None:
        return
    if appointment.answer in NOT_GOING:  # "How did it go?" after "I can't come" would be a blunder
        return
    tr, ttl = turn.tr, FOLLOWUP_WINDOW
    turn.say(
        tr(
            "How did your appointment go ({kind}, {date})? Only you will see your answer.",
            kind=kind_label(tr, appointment.kind),
            date=tr.short_date(appointment.starts_at),
        ),
        [
            [
                Choice(tr("😊 Good"), _act(appointment, "fu", "good"), lasting=ttl),
                Choice(tr("😐 Okay"), _act(appointment, "fu", "okay"), lasting=ttl),
                Choice(tr("😣 Difficult"), _act(appointment, "fu", "hard"), lasting=ttl),
            ],
            [Choice(tr("I'd rather not say"), _act(appointment, "fu", "skip"), lasting=ttl)],
        ],
    )


async def tell_proposal(turn: Turn, item: DueItem) -> None:
    appointment = await _due_appointment(turn, item)
    if appointment is None or appointment.confirmed or appointment.starts_at <= turn.now:
        return
    turn.say(*proposal_message(turn, appointment))


def proposal_message(turn: Turn, appointment: Appointment) -> tuple[str, list[list[Choice]]]:
    tr, ttl = turn.tr, _lasting(turn, appointment, timedelta(0))
    lines = [
        tr("Your coach has added an appointment for you."),
        when_sentence(tr, appointment, turn.now),
        *details(tr, appointment, turn.config.encryption_keys),
        "",
        tr("Is that right? When you confirm it, I will remind you of it."),
    ]
    return "\n".join(lines), [
        [Choice(tr("✅ Yes, confirm it"), _act(appointment, "confirm"), lasting=ttl)],
        [Choice(tr("❌ No, remove it"), _act(appointment, "decline"), lasting=ttl)],
    ]


async def _due_appointment(turn: Turn, item: DueItem) -> Appointment | None:
    appointment_id = item.payload.get("appointment_id")
    if turn.participant is None or not isinstance(appointment_id, int):
        return None
    return await appointments.of_participant(turn.tx, turn.participant.id, appointment_id)


async def answer(turn: Turn, action: Action) -> None:
    """A tap on a lasting `appt:<id>:<verb>[:<detail>]` button, whatever question the chat is at."""
    participant, appointment_id = turn.participant, action.number(0)
    if (
        participant is None
        or participant.status is not Status.ACTIVE
        or len(action.args) not in (2, 3)
        or appointment_id is None
    ):
        await closed(turn)
        return
    verb, detail = action.arg(1), action.arg(2)
    appointment = await appointments.of_participant(turn.tx, participant.id, appointment_id)
    if appointment is None or not _open(turn, appointment, verb):
        await closed(turn)
        return
    if verb in PROPOSAL_VERBS:
        await (confirm_proposal if verb == "confirm" else decline_proposal)(turn, appointment)
    elif verb == "fu" and detail in OUTCOMES:
        await _followup_answer(turn, appointment, detail)
    elif verb == "need" and detail in HELP_LABELS:  # the one-tap buttons of earlier versions
        await help_needed(turn, appointment, [detail])
    elif verb in ("pick", "needs"):
        await chosen_help(turn, appointment, verb, detail)
    elif verb in REMINDER_VERBS and not detail:
        await REMINDER_ANSWERS[verb](turn, appointment)
    else:
        await closed(turn)


def _open(turn: Turn, appointment: Appointment, verb: str) -> bool:
    if verb in PROPOSAL_VERBS:
        return appointment.starts_at > turn.now
    if not appointment.confirmed:
        return False
    if verb == "fu":
        return appointment.starts_at <= turn.now < appointment.starts_at + FOLLOWUP_WINDOW
    return turn.now < appointment.starts_at + ANSWER_WINDOW


async def confirm_proposal(turn: Turn, appointment: Appointment) -> None:
    tr = turn.tr
    if appointment.confirmed:
        turn.say(tr("You have already confirmed this appointment."))
        return
    await appointments.confirm(turn.tx, appointment.id, turn.now)
    await renew_reminders(turn.tx, turn.person, appointment.id, turn.now)
    fresh = await appointments.get(turn.tx, appointment.id)
    assert fresh is not None
    turn.say(
        tr("Thank you, the appointment is confirmed. I will remind you of it.") + "\n" + tr(CALENDAR_FILE),
        attachment=await calendar_for(turn, fresh),
    )


async def decline_proposal(turn: Turn, appointment: Appointment) -> None:
    await remove(turn.tx, turn.person, appointment.id, turn.now)
    turn.say(
        turn.tr(
            "Okay, I have removed it. Nobody is told about this. "
            "If you need a different date, please talk to your coach."
        )
    )


async def _there(turn: Turn, appointment: Appointment) -> None:
    await appointments.set_answer(turn.tx, appointment.id, "there", turn.now)
    turn.say(turn.tr("Thank you! Good luck with your appointment."))


async def _cannot(turn: Turn, appointment: Appointment) -> None:
    await appointments.set_answer(turn.tx, appointment.id, "cannot", turn.now)
    tr, ttl = turn.tr, _lasting(turn, appointment, ANSWER_WINDOW)
    choices = [[Choice(tr("📅 I need a new date"), _act(appointment, "new_date"), lasting=ttl)]]
    if await allowed(turn.tx, turn.person.id, "contact_requested"):  # no button that cannot be kept
        choices.append(
            [Choice(tr("📞 Please ask my coach to contact me"), _act(appointment, "contact"), lasting=ttl)]
        )
    choices.append([Choice(tr("🗑 Remove it from my list"), _act(appointment, "remove"), lasting=ttl)])
    if protects(appointment):
        say_protective(turn, appointment, choices)
        return
    turn.say(
        tr(
            "Thank you for telling me. That is okay. If you can, let them know that you cannot come. "
            "Is there anything I can do?"
        ),
        choices,
    )


async def _new_date(turn: Turn, appointment: Appointment) -> None:
    tr = turn.tr
    if appointment.answer == "new_date":
        turn.say(tr("You have already told me that you need a new date."))
        return
    await appointments.set_answer(turn.tx, appointment.id, "new_date", turn.now)
    if await raise_signal(turn, "new_date_needed"):
        turn.say(tr("Thank you. Your coach gets a short signal that you need a new date."))
    else:
        turn.say(
            tr("Thank you for telling me. Please ask the office for a new date.")
            + " "
            + await not_shared(turn)
        )


async def _contact(turn: Turn, appointment: Appointment) -> None:
    await buttons.forget_action(turn.tx, turn.person.chat_id, _act(appointment, "contact"))
    if await raise_signal(turn, "contact_requested"):
        turn.say(turn.tr("Thank you. Your coach gets a short signal that you would like to be contacted."))
    else:
        turn.say(turn.tr("Please contact your coach directly.") + " " + await not_shared(turn))


async def _snooze(turn: Turn, appointment: Appointment) -> None:
    at = turn.now + SNOOZE
    if at >= appointment.starts_at:
        turn.say(
            turn.tr(
                "Your appointment starts at {time}, in less than an hour. Good luck!",
                time=turn.tr.time(appointment.starts_at),
            )
        )
        return
    await remind_again(turn.tx, turn.person, appointment, at, turn.now)
    turn.say(turn.tr("Okay. I will remind you again at {time}.", time=turn.tr.time(at)))


async def _remove(turn: Turn, appointment: Appointment) -> None:
    tr, ttl = turn.tr, _lasting(turn, appointment, ANSWER_WINDOW)
    turn.say(
        tr(
            "Do you want to remove this appointment from your list? Then I will not remind you of it anymore."
        ),
        [
            [
                Choice(tr("Yes, remove it"), _act(appointment, "remove_yes"), lasting=ttl),
                Choice(tr("No, keep it"), _act(appointment, "keep"), lasting=ttl),
            ]
        ],
    )


async def _remove_yes(turn: Turn, appointment: Appointment) -> None:
    await remove(turn.tx, turn.person, appointment.id, turn.now)
    turn.say(turn.tr(REMOVED))


async def _keep(turn: Turn, appointment: Appointment) -> None:
    turn.say(turn.tr("Okay, it stays on your list."))


REMINDER_ANSWERS = {
    "there": _there,
    "cannot": _cannot,
    "new_date": _new_date,
    "help": ask_help,
    "snooze": _snooze,
    "contact": _contact,
    "remove": _remove,
    "remove_yes": _remove_yes,
    "keep": _keep,
}
REMINDER_VERBS = frozenset(REMINDER_ANSWERS)


async def _followup_answer(turn: Turn, appointment: Appointment, outcome: str) -> None:
    tr = turn.tr
    await appointments.set_outcome(turn.tx, appointment.id, None if outcome == "skip" else outcome, turn.now)
    if outcome == "good":
        turn.say(tr("That is good to hear. Thank you for telling me."))
    elif outcome == "okay":
        turn.say(tr("Thank you for telling me."))
    elif outcome == "hard":
        turn.say(
            tr(
                "Thank you for telling me. I am sorry it was difficult. If you like, talk about it with your "
                "coach. If you need help now, write /sos."
            )
        )
    else:
        turn.say(tr("That is fine. I have not stored anything about it."))
