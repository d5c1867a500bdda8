"""Quiet hours: when they begin, then when they end (or none at all). Nothing is sent during them.

New quiet hours move the appointment reminders as well (`dialogs/quiet_hours.py` is the rule itself).
"""

from __future__ import annotations

from datetime import time

from dialogs.checkins.planning import parse_time
from dialogs.checkins.settings.saving import save
from dialogs.checkins.settings.steps import ScheduleStep, back_choice
from dialogs.checkins.settings.times import TYPED_HINT, chosen_time, time_choices, written_time
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next, Step
from dialogs.core.turn import Turn
from storage import schedules

STARTS = (time(21), time(22), time(23))
ENDS = (time(6), time(7), time(8), time(9))


async def _show_start(turn: Turn) -> None:
    tr = turn.tr
    rows = time_choices(turn, STARTS)
    rows.append([Choice(tr("No quiet hours"), "off")])
    rows.append([back_choice(turn)])
    turn.say(
        tr("When should your quiet hours begin? I send nothing during quiet hours.") + "\n" + tr(TYPED_HINT),
        rows,
    )


async def _show_end(turn: Turn) -> None:
    rows = time_choices(turn, ENDS)
    rows.append([back_choice(turn)])
    turn.say(turn.tr("And when should they end?") + "\n" + turn.tr(TYPED_HINT), rows)


def _begin(chosen: time | None) -> Next:
    return STAY if chosen is None else Go(ScheduleStep.QUIET_END, {"quiet_start": schedules.hhmm(chosen)})


async def _start_chosen(turn: Turn, action: Action) -> Next:
    return _begin(chosen_time(action))


async def _start_written(turn: Turn, text: str) -> Next:
    return _begin(written_time(turn, text))


async def _none(turn: Turn, action: Action) -> Next:
    return await save(turn, quiet_start=time(0), quiet_end=time(0))


async def _end(turn: Turn, chosen: time | None) -> Next:
    if chosen is None:
        return STAY
    start = parse_time(str(turn.data.get("quiet_start", "")))
    if start is None:
        return Go(ScheduleStep.QUIET_START)
    if start == chosen:
        turn.say(
            turn.tr("Quiet hours cannot begin and end at the same time. To have none, tap “No quiet hours”.")
        )
        return Go(ScheduleStep.QUIET_START)
    return await save(turn, quiet_start=start, quiet_end=chosen)


async def _end_chosen(turn: Turn, action: Action) -> Next:
    return await _end(turn, chosen_time(action))


async def _end_written(turn: Turn, text: str) -> Next:
    return await _end(turn, written_time(turn, text))


START = Step(
    _show_start,
    choices={"time": _start_chosen, "off": _none},
    text=_start_written,
    back=ScheduleStep.OVERVIEW,
)
END = Step(_show_end, choices={"time": _end_chosen}, text=_end_written, back=ScheduleStep.OVERVIEW)
