"""/settings and the set-up right after consent, as one table of steps.

Check-in times, weekdays, quiet hours, time zone and the weekly look-back. Buttons come first; a time can
also be typed as `HH:MM`, a time zone as its name (`Europe/Berlin`, or just `Berlin`). Every change is
saved and planned afresh at once. Nothing here is required: "Set up later" leaves the person without
check-ins until they choose some.
"""

from __future__ import annotations

from dialogs.checkins.settings import overview, quiet_hours, time_zone, times, weekdays
from dialogs.checkins.settings.steps import SETTINGS, SETUP, ScheduleStep, in_setup
from dialogs.core.actions import Action
from dialogs.core.flow import STAY, Handover, Next, StepFlow, start
from dialogs.core.turn import Turn
from dialogs.participation.menu import BACK_TO_MENU


async def begin_setup(turn: Turn) -> None:
    """Right after consent: offer a morning and an evening time, or "set up later"."""
    await start(turn, SCHEDULE.name, ScheduleStep.MORNING, mode=SETUP)


async def settings_command(turn: Turn, args: str) -> None:
    await start(turn, SCHEDULE.name, ScheduleStep.OVERVIEW, mode=SETTINGS)


async def _to_menu(turn: Turn, action: Action) -> Next:
    return BACK_TO_MENU


async def _set_up_later(turn: Turn, action: Action) -> Next:
    if not in_setup(turn):
        return STAY
    turn.say(turn.tr("Okay. You can set up check-ins at any time with /settings."))
    return Handover("menu")


SCHEDULE = StepFlow(
    "schedule",
    {
        ScheduleStep.OVERVIEW: overview.STEP,
        ScheduleStep.MORNING: times.MORNING,
        ScheduleStep.EVENING: times.EVENING,
        ScheduleStep.DAYS: weekdays.DAYS,
        ScheduleStep.QUIET_START: quiet_hours.START,
        ScheduleStep.QUIET_END: quiet_hours.END,
        ScheduleStep.TIMEZONE: time_zone.STEP,
        ScheduleStep.LOOKBACK: weekdays.LOOKBACK,
    },
    first=ScheduleStep.OVERVIEW,
    everywhere={"menu": _to_menu, "later": _set_up_later},
    hands_over_to={"menu"},
)
