"""The morning and evening check-in times: a preset button, a typed `HH:MM`, or none.

In the set-up right after consent the morning question leads to the evening one, and the evening one
ends the set-up; in /settings each goes back to the overview. A time in the quiet hours is refused.
"""

from __future__ import annotations

from datetime import time

from dialogs.checkins.planning import parse_time
from dialogs.checkins.settings.saving import plan_from_settings
from dialogs.checkins.settings.steps import ScheduleStep, back_choice, in_rows, in_setup, schedule_of
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next, Step
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.quiet_hours import QuietHours
from storage import schedules

TYPED_HINT = N_("You can also write a time, like 08:30.")


def time_choices(turn: Turn, presets: tuple[time, ...]) -> list[list[Choice]]:
    """The preset times as buttons (`time:08:00`), four to a row."""
    return in_rows([Choice(turn.tr.time(t), act("time", schedules.hhmm(t))) for t in presets], 4)


def chosen_time(action: Action) -> time | None:
    """The time a preset button carries (`time:08:00`), or None for anything else."""
    hour, minute = action.number(0), action.number(1)
    if hour is None or minute is None or len(action.args) != 2 or hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def written_time(turn: Turn, text: str) -> time | None:
    """A typed time, or None after saying kindly that it could not be read."""
    chosen = parse_time(text)
    if chosen is None:
        turn.say(
            turn.tr(
                "I could not read “{text}” as a time. Please write hours and minutes, like 08:30, "
                "or tap a button.",
                text=text[:20],
            )
        )
    return chosen


async def _set_slot(turn: Turn, slot: ScheduleStep, chosen: time | None) -> Next:
    schedule = await schedule_of(turn)
    tr = turn.tr
    if chosen is not None and QuietHours.of(schedule).covers(chosen):
        turn.say(
            tr(
                "{time} is in your quiet hours ({start} to {end}). I send nothing then. "
                "Please choose another time.",
                time=tr.time(chosen),
                start=tr.time(schedule.quiet_start),
                end=tr.time(schedule.quiet_end),
            )
        )
        return STAY
    await schedules.update(turn.tx, turn.person.id, turn.now, **{str(slot): chosen})
    await plan_from_settings(turn)
    if in_setup(turn):
        return Go(ScheduleStep.EVENING if slot is ScheduleStep.MORNING else ScheduleStep.OVERVIEW)
    turn.say(tr("Saved."))
    return Go(ScheduleStep.OVERVIEW)


def _slot_step(
    slot: ScheduleStep, presets: tuple[time, ...], setup_question: str, question: str, off: str
) -> Step:
    """The question for one check-in time (`slot` is the step and the schedule's field alike)."""

    async def show(turn: Turn) -> None:
        tr = turn.tr
        rows = time_choices(turn, presets)
        rows.append([Choice(tr(off), "off")])
        rows.append([back_choice(turn)])
        turn.say(f"{tr(setup_question if in_setup(turn) else question)}\n{tr(TYPED_HINT)}", rows)

    async def preset(turn: Turn, action: Action) -> Next:
        chosen = chosen_time(action)
        return STAY if chosen is None else await _set_slot(turn, slot, chosen)

    async def none(turn: Turn, action: Action) -> Next:
        return await _set_slot(turn, slot, None)

    async def written(turn: Turn, text: str) -> Next:
        chosen = written_time(turn, text)
        return STAY if chosen is None else await _set_slot(turn, slot, chosen)

    return Step(show, choices={"time": preset, "off": none}, text=written, back=ScheduleStep.OVERVIEW)


MORNING = _slot_step(
    ScheduleStep.MORNING,
    (time(7), time(8), time(9), time(10)),
    N_("Would you like a short check-in every morning? It takes less than a minute. When would suit you?"),
    N_("When should I ask you in the morning?"),
    N_("No morning check-in"),
)
EVENING = _slot_step(
    ScheduleStep.EVENING,
    (time(18), time(19), time(20), time(21)),
    N_("And in the evening? I would ask how your day went. When would suit you?"),
    N_("When should I ask you in the evening?"),
    N_("No evening check-in"),
)
