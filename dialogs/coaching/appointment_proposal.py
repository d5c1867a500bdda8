"""/appointment in a coach's chat: propose an appointment to a participant, who is told and confirms.

Only for participants linked to the coach and taking part; the same refusal as /case otherwise. The coach
gives the kind, the day and the time (in the participant's time zone); place and notes are left to the
participant, so no free text about someone is typed into the coaches' side. The proposal goes out with
the next sweep as any staff proposal does, and the audit log records who proposed it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from dialogs.appointments.day_words import example
from dialogs.appointments.when import BadInput, example_day, local_moment, parse_clock, parse_day
from dialogs.appointments.wording import KIND_ICONS, kind_label
from dialogs.coaching.coach_chat import coach_of, known_as
from dialogs.coaching.commands import REFUSED, CoachStep, caseload, find_case, show_coach_menu
from dialogs.coaching.proposals import propose_for
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Handover, Next, Step, StepFlow, start
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage import appointments, coaches, participants
from storage.participants import Participant, Status

PASSED = N_("That time has passed or does not exist that day. Please write another time.")


class ProposalStep(StrEnum):
    WHO = "who"
    KIND = "kind"
    DAY = "day"
    TIME = "time"
    CONFIRM = "confirm"


async def appointment_command(turn: Turn, args: str) -> None:
    if not args.strip():
        await start(turn, "coach_appointment", ProposalStep.WHO)
        return
    participant = await find_case(turn, args)
    if participant is None or participant.status is not Status.ACTIVE:
        turn.say(turn.tr(REFUSED))
        await show_coach_menu(turn)
        return
    await start(turn, "coach_appointment", ProposalStep.KIND, participant_id=participant.id)


async def _chosen(turn: Turn) -> Participant | None:
    """The participant the flow is about, only while still linked to this coach and taking part."""
    coach = turn.coach
    participant_id = turn.data.get("participant_id")
    if coach is None or not coach.active or not isinstance(participant_id, int):
        return None
    participant = await participants.by_id(turn.tx, participant_id)
    if participant is None or participant.status is not Status.ACTIVE:
        return None
    return participant if await coaches.is_linked(turn.tx, coach.id, participant.id) else None


def _refused(turn: Turn) -> Next:
    turn.say(turn.tr(REFUSED))
    return Handover("coach", CoachStep.MENU)


def _cancel_button(turn: Turn) -> list[Choice]:
    return [Choice(turn.tr("Cancel"), act("cancel"))]


def _chosen_moment(turn: Turn, participant: Participant, at: time) -> datetime | None:
    """The start of the appointment on the chosen day at `at`, in the participant's zone (None when
    that time does not exist that day)."""
    day = date.fromisoformat(str(turn.data["day"]))
    return local_moment(day, at, ZoneInfo(participant.timezone))


async def _show_who(turn: Turn) -> Next | None:
    coach = coach_of(turn)
    choices = [
        Choice(await known_as(turn.tx, coach, participant.id, turn.now), act("who", participant.id))
        for participant in await caseload(turn)
        if participant.status is Status.ACTIVE
    ]
    if not choices:
        turn.say(turn.tr("Nobody is connected with you yet. /invite makes an invitation link."))
        return Handover("coach", CoachStep.MENU)
    rows = [choices[i : i + 3] for i in range(0, len(choices), 3)]
    turn.say(turn.tr("For whom is the appointment?"), [*rows, _cancel_button(turn)])
    return None


async def _ask(turn: Turn, question: str, rows: list[list[Choice]] | None = None) -> Next | None:
    """Ask about the chosen participant's appointment, while they may still be asked about."""
    if await _chosen(turn) is None:
        return _refused(turn)
    turn.say(question, [*(rows or []), _cancel_button(turn)])
    return None


async def _show_kind(turn: Turn) -> Next | None:
    kinds = [
        Choice(f"{KIND_ICONS[kind]} {kind_label(turn.tr, kind)}", act("kind", kind))
        for kind in appointments.KINDS
    ]
    rows = [kinds[i : i + 2] for i in range(0, len(kinds), 2)]
    return await _ask(turn, turn.tr("What kind of appointment?"), rows)


async def _show_day(turn: Turn) -> Next | None:
    tr = turn.tr
    shown = example_day(turn.now.astimezone(tr.timezone).date())
    question = tr(
        "Which day? Please write it, for example {day}, {day_and_year} or “tomorrow”.",
        day=tr.digits(example(tr.locale, shown, with_year=False)),
        day_and_year=tr.digits(example(tr.locale, shown, with_year=True)),
    )
    return await _ask(turn, question)


async def _show_time(turn: Turn) -> Next | None:
    return await _ask(turn, turn.tr("At what time? Please write it like 9:30 or 14:45."))


async def _show_confirm(turn: Turn) -> Next | None:
    participant = await _chosen(turn)
    if participant is None:
        return _refused(turn)
    turn.say(
        turn.tr(
            "Propose to {pseudonym}: {kind}, {day} at {time}? They are asked to confirm it.",
            pseudonym=await known_as(turn.tx, coach_of(turn), participant.id, turn.now),
            kind=kind_label(turn.tr, str(turn.data["kind"])),
            day=turn.tr.date(date.fromisoformat(str(turn.data["day"])), "medium"),
            time=str(turn.data["time"]),
        ),
        [[Choice(turn.tr("Yes, propose it"), act("send"))], _cancel_button(turn)],
    )
    return None


async def _who_chosen(turn: Turn, action: Action) -> Next:
    participant_id = action.number()
    return STAY if participant_id is None else Go(ProposalStep.KIND, data={"participant_id": participant_id})


async def _kind_chosen(turn: Turn, action: Action) -> Next:
    kind = action.arg()
    return Go(ProposalStep.DAY, data={"kind": kind}) if kind in appointments.KINDS else STAY


async def _day_written(turn: Turn, text: str) -> Next:
    participant = await _chosen(turn)
    if participant is None:
        return STAY  # showing the question again refuses
    try:
        day = parse_day(text, turn.now.astimezone(ZoneInfo(participant.timezone)).date(), turn.tr.locale)
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        return STAY
    return Go(ProposalStep.TIME, data={"day": day.isoformat()})


async def _time_written(turn: Turn, text: str) -> Next:
    participant = await _chosen(turn)
    if participant is None:
        return STAY  # showing the question again refuses
    try:
        at = parse_clock(text)
    except BadInput as problem:
        turn.say(turn.tr(problem.message))
        return STAY
    moment = _chosen_moment(turn, participant, at)
    if moment is None or moment <= turn.now:
        turn.say(turn.tr(PASSED))
        return STAY
    return Go(ProposalStep.CONFIRM, data={"time": at.strftime("%H:%M")})


async def _not_typed_here(turn: Turn, text: str) -> Next:
    return STAY  # a question with buttons: typed words only show it again


async def _send(turn: Turn, action: Action) -> Next:
    participant = await _chosen(turn)
    if participant is None:
        return _refused(turn)
    coach = coach_of(turn)
    starts_at = _chosen_moment(turn, participant, time.fromisoformat(str(turn.data["time"])))
    if starts_at is None or starts_at <= turn.now:
        turn.say(turn.tr(PASSED))
        return Go(ProposalStep.TIME)
    kind = str(turn.data["kind"])
    await propose_for(turn.tx, coach, participant, kind=kind, starts_at=starts_at, place=None, now=turn.now)
    known = await known_as(turn.tx, coach, participant.id, turn.now)
    turn.say(turn.tr("Proposed. {pseudonym} is asked in the chat to confirm it.", pseudonym=known))
    return Handover("coach", CoachStep.MENU)


async def _cancel(turn: Turn, action: Action) -> Next:
    turn.say(turn.tr("Okay, nothing was proposed."))
    return Handover("coach", CoachStep.MENU)


COACH_APPOINTMENT = StepFlow(
    "coach_appointment",
    {
        ProposalStep.WHO: Step(_show_who, choices={"who": _who_chosen}, text=_not_typed_here),
        ProposalStep.KIND: Step(_show_kind, choices={"kind": _kind_chosen}, text=_not_typed_here),
        ProposalStep.DAY: Step(_show_day, text=_day_written),
        ProposalStep.TIME: Step(_show_time, text=_time_written),
        ProposalStep.CONFIRM: Step(_show_confirm, choices={"send": _send}, text=_not_typed_here),
    },
    first=ProposalStep.WHO,
    everywhere={"cancel": _cancel},
    hands_over_to={"coach"},
    takes_text=True,
)
