"""/appointment in a coach's chat: propose an appointment to a participant, who is told and confirms.

Only for participants linked to the coach and taking part; the same refusal as /case otherwise. The coach
gives the kind, the day and the time (in the participant's time zone); place and notes are left to the
participant, so no free text about someone is typed into the coaches' side. The proposal goes out with
the next sweep as any staff proposal does, and the audit log records who proposed it.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from dialogs.appointments.reminder_plan import propose
from dialogs.appointments.when import BadInput, local_moment, parse_clock, parse_day
from dialogs.appointments.wording import KIND_ICONS, kind_label
from dialogs.coaching.alerts import known_as
from dialogs.coaching.commands import REFUSED, find_case, show_coach_menu
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, show_current
from dialogs.core.turn import Turn
from storage import appointments, audit, coaches, participants
from storage.participants import Participant, Status

APPOINTMENT_PROPOSED = "appointment_proposed"


async def appointment_command(turn: Turn, args: str) -> None:
    if args.strip():
        participant = await find_case(turn, args)
        if participant is None or participant.status is not Status.ACTIVE:
            turn.say(turn.tr(REFUSED))
            await show_coach_menu(turn)
            return
        turn.reset("coach_appointment", "kind", participant_id=participant.id)
    else:
        turn.reset("coach_appointment", "who")
    await show_current(turn)


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


class CoachAppointmentFlow(Flow):
    name = "coach_appointment"
    takes_text = True

    async def show(self, turn: Turn) -> None:
        cancel = [Choice(turn.tr("Cancel"), "cancel")]
        if turn.step == "who":
            assert turn.coach is not None
            choices = []
            for participant_id in await coaches.caseload(turn.tx, turn.coach.id):
                participant = await participants.by_id(turn.tx, participant_id)
                if participant is not None and participant.status is Status.ACTIVE:
                    known = await known_as(turn.tx, turn.coach, participant.id, turn.now)
                    choices.append(Choice(known, f"who:{participant.id}"))
            if not choices:
                turn.say(turn.tr("Nobody is connected with you yet. /invite makes an invitation link."))
                await show_coach_menu(turn)
                return
            rows = [choices[i : i + 3] for i in range(0, len(choices), 3)]
            turn.say(turn.tr("For whom is the appointment?"), [*rows, cancel])
            return
        participant = await _chosen(turn)
        if participant is None:
            turn.say(turn.tr(REFUSED))
            await show_coach_menu(turn)
            return
        if turn.step == "kind":
            kinds = [
                Choice(f"{KIND_ICONS[kind]} {kind_label(turn.tr, kind)}", f"kind:{kind}")
                for kind in appointments.KINDS
            ]
            rows = [kinds[i : i + 2] for i in range(0, len(kinds), 2)]
            turn.say(turn.tr("What kind of appointment?"), [*rows, cancel])
        elif turn.step == "day":
            turn.say(turn.tr("Which day? Please write it like 3.12. or 03.12.2026."), [cancel])
        elif turn.step == "time":
            turn.say(turn.tr("At what time? Please write it like 9:30 or 14:45."), [cancel])
        elif turn.step == "confirm":
            assert turn.coach is not None  # _chosen found one
            turn.say(
                turn.tr(
                    "Propose to {pseudonym}: {kind}, {day} at {time}? They are asked to confirm it.",
                    pseudonym=await known_as(turn.tx, turn.coach, participant.id, turn.now),
                    kind=kind_label(turn.tr, str(turn.data["kind"])),
                    day=turn.tr.date(date.fromisoformat(str(turn.data["day"])), "medium"),
                    time=str(turn.data["time"]),
                ),
                [[Choice(turn.tr("Yes, propose it"), "send")], cancel],
            )

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        if action == "cancel":
            turn.say(turn.tr("Okay, nothing was proposed."))
            await show_coach_menu(turn)
            return
        if turn.step == "who" and action.startswith("who:") and action.removeprefix("who:").isdigit():
            turn.goto("coach_appointment", "kind", participant_id=int(action.removeprefix("who:")))
        elif turn.step == "kind" and action.removeprefix("kind:") in appointments.KINDS:
            turn.goto("coach_appointment", "day", kind=action.removeprefix("kind:"))
        elif turn.step == "confirm" and action == "send":
            await self._send(turn)
            return
        await self.show(turn)

    async def on_text(self, turn: Turn, text: str) -> None:
        participant = await _chosen(turn)
        if participant is None or turn.step not in ("day", "time"):
            await self.show(turn)
            return
        zone = ZoneInfo(participant.timezone)
        try:
            if turn.step == "day":
                day = parse_day(text, turn.now.astimezone(zone).date())
                turn.goto("coach_appointment", "time", day=day.isoformat())
            else:
                at = parse_clock(text)
                day = date.fromisoformat(str(turn.data["day"]))
                moment = local_moment(day, at, zone)
                if moment is None or moment <= turn.now:
                    turn.say(
                        turn.tr("That time has passed or does not exist that day. Please write another time.")
                    )
                    await self.show(turn)
                    return
                turn.goto("coach_appointment", "confirm", time=at.strftime("%H:%M"))
        except BadInput as problem:
            turn.say(turn.tr(problem.message))
        await self.show(turn)

    async def _send(self, turn: Turn) -> None:
        participant = await _chosen(turn)
        coach = turn.coach
        if participant is None or coach is None:
            turn.say(turn.tr(REFUSED))
            await show_coach_menu(turn)
            return
        day = date.fromisoformat(str(turn.data["day"]))
        hours, minutes = str(turn.data["time"]).split(":")
        starts_at = local_moment(day, time(int(hours), int(minutes)), ZoneInfo(participant.timezone))
        if starts_at is None or starts_at <= turn.now:
            turn.say(turn.tr("That time has passed or does not exist that day. Please write another time."))
            turn.goto("coach_appointment", "time")
            await self.show(turn)
            return
        kind = str(turn.data["kind"])
        await propose(
            turn.tx, participant, starts_at=starts_at, kind=kind, place=None, note=None, now=turn.now
        )
        known = await known_as(turn.tx, coach, participant.id, turn.now)
        await audit.append(
            turn.tx,
            action=APPOINTMENT_PROPOSED,
            now=turn.now,
            pseudonym=known,
            coach_id=coach.id,
            coach_name=coach.name,
            organisation=coach.organisation,
            detail={"kind": kind},
        )
        turn.say(turn.tr("Proposed. {pseudonym} is asked in the chat to confirm it.", pseudonym=known))
        await show_coach_menu(turn)
