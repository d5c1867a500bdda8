"""The overview of /settings: every check-in setting at a glance, a button to open each, pause or resume.

In the set-up right after consent there is no overview: reaching it ends the set-up with a summary of the
chosen times (or the note that there are no check-ins for now) and the main menu.
"""

from __future__ import annotations

from dialogs.checkins.settings.steps import ScheduleStep, in_setup, schedule_of
from dialogs.checkins.settings.weekdays import DRAFT, days_text, weekday_name
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Handover, Next, Step
from dialogs.core.turn import Turn
from dialogs.participation.menu import sos_choice
from storage.schedules import Schedule

# The settings the overview's buttons open (the end of the quiet hours is asked after their start).
OPENS = frozenset(
    {
        ScheduleStep.MORNING,
        ScheduleStep.EVENING,
        ScheduleStep.DAYS,
        ScheduleStep.QUIET_START,
        ScheduleStep.TIMEZONE,
        ScheduleStep.LOOKBACK,
    }
)


def overview_lines(turn: Turn, schedule: Schedule) -> list[str]:
    tr = turn.tr
    lines = [tr("Your check-ins:")]
    lines.append(
        tr("Morning check-in: {time}", time=tr.time(schedule.morning))
        if schedule.morning
        else tr("Morning check-in: off")
    )
    lines.append(
        tr("Evening check-in: {time}", time=tr.time(schedule.evening))
        if schedule.evening
        else tr("Evening check-in: off")
    )
    lines.append(tr("Days: {days}", days=days_text(tr, schedule.weekdays)))
    if schedule.has_quiet_hours:
        lines.append(
            tr(
                "Quiet hours: {start} to {end}",
                start=tr.time(schedule.quiet_start),
                end=tr.time(schedule.quiet_end),
            )
        )
    else:
        lines.append(tr("Quiet hours: none"))
    lines.append(
        tr("Time zone: {zone} (it is {time} there now)", zone=turn.person.timezone, time=tr.time(turn.now))
    )
    if schedule.lookback_day:
        lines.append(tr("Weekly look-back: {day}", day=weekday_name(tr, schedule.lookback_day)))
    else:
        lines.append(tr("Weekly look-back: off"))
    if schedule.paused_at(turn.now) and schedule.paused_until is not None:
        lines.append(tr("Paused until {date}.", date=tr.date(schedule.paused_until, "full")))
    return lines


async def _show(turn: Turn) -> Next | None:
    if in_setup(turn):
        return await _end_setup(turn)
    tr = turn.tr
    schedule = await schedule_of(turn)
    turn.say(
        "\n".join(overview_lines(turn, schedule)),
        [
            [sos_choice(turn)],
            [
                Choice(tr("🌅 Morning"), act("go", ScheduleStep.MORNING)),
                Choice(tr("🌙 Evening"), act("go", ScheduleStep.EVENING)),
            ],
            [
                Choice(tr("📆 Days"), act("go", ScheduleStep.DAYS)),
                Choice(tr("🤫 Quiet hours"), act("go", ScheduleStep.QUIET_START)),
            ],
            [
                Choice(tr("🌍 Time zone"), act("go", ScheduleStep.TIMEZONE)),
                Choice(tr("🗓 Weekly look-back"), act("go", ScheduleStep.LOOKBACK)),
            ],
            [
                Choice(tr("▶️ Resume now"), act("cmd", "resume"))
                if schedule.paused_at(turn.now)
                else Choice(tr("⏸ Pause"), act("cmd", "pause"))
            ],
            [Choice(tr("Back to the menu"), act("menu"))],
        ],
    )
    return None


async def _end_setup(turn: Turn) -> Next:
    tr = turn.tr
    schedule = await schedule_of(turn)
    if schedule.morning is None and schedule.evening is None:
        turn.say(tr("Okay, no check-ins for now. You can set them up at any time with /settings."))
        return Handover("menu")
    lines = [tr("All set.")]
    if schedule.morning:
        lines.append(tr("Morning check-in: {time}", time=tr.time(schedule.morning)))
    if schedule.evening:
        lines.append(tr("Evening check-in: {time}", time=tr.time(schedule.evening)))
    lines.append(
        tr(
            "Quiet hours are from {start} to {end}: I send nothing then.",
            start=tr.time(schedule.quiet_start),
            end=tr.time(schedule.quiet_end),
        )
    )
    lines.append(tr("You can change this at any time with /settings, and pause with /pause."))
    turn.say("\n".join(lines))
    return Handover("menu")


async def _open(turn: Turn, action: Action) -> Next:
    """Open one setting, its question afresh (no days toggled yet)."""
    if action.arg() not in OPENS:
        return STAY
    turn.data.pop(DRAFT, None)
    return Go(ScheduleStep(action.arg()))


STEP = Step(_show, choices={"go": _open})
