"""The steps of /settings and what they share: the step names, the mode, the "back" button, the schedule.

/settings shows an overview of the check-in settings; each of its buttons opens one setting, and every
change is saved at once and leads back to the overview. Right after consent the same questions (the
morning and evening times) are asked in the set-up mode, kept as `mode` in the conversation's data: there
"back" is "Set up later", and reaching the overview ends the set-up with a summary instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from dialogs.core.events import Choice
from dialogs.core.turn import Turn
from storage import schedules
from storage.schedules import Schedule

SETUP, SETTINGS = "setup", "settings"  # the conversation's `mode`


class ScheduleStep(StrEnum):
    OVERVIEW = "overview"
    MORNING = "morning"
    EVENING = "evening"
    DAYS = "days"
    QUIET_START = "quiet_start"
    QUIET_END = "quiet_end"
    TIMEZONE = "timezone"
    LOOKBACK = "lookback"


def in_setup(turn: Turn) -> bool:
    """True in the set-up right after consent, False in /settings."""
    return str(turn.data.get("mode", SETTINGS)) == SETUP


def back_choice(turn: Turn) -> Choice:
    """The last button of every setting: back to the overview, or in the set-up "Set up later"."""
    if in_setup(turn):
        return Choice(turn.tr("Set up later"), "later")
    return Choice(turn.tr("Back"), "back")


def in_rows(choices: Sequence[Choice], width: int) -> list[list[Choice]]:
    """Buttons `width` to a row."""
    return [list(choices[i : i + width]) for i in range(0, len(choices), width)]


async def schedule_of(turn: Turn) -> Schedule:
    return await schedules.get(turn.tx, turn.person.id)
