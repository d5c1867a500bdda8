"""/appointments: see what is coming, add an appointment step by step, change or remove one, choose reminders.

This module is the conversation's table of steps; what each step shows and does is in the module named
after it: `list_and_view` (the list, one appointment, removing it), `adding` (day, time, kind), `free_text`
(place and note) and `reminder_choices`. Nothing is stored until the last answer.
"""

from __future__ import annotations

from dialogs.appointments import adding, free_text, list_and_view, reminder_choices
from dialogs.appointments.conversation_state import AppointmentStep, back_to_view
from dialogs.core.actions import Action
from dialogs.core.flow import Next, Step, StepFlow, start
from dialogs.core.turn import Turn
from dialogs.participation.menu import BACK_TO_MENU

NAME = "appointments"


async def appointments_command(turn: Turn, args: str) -> None:
    await start(turn, NAME)


async def _to_menu(turn: Turn, action: Action) -> Next:
    return BACK_TO_MENU  # "Back to the menu": the whole menu once, as from /pause, /settings and /info


APPOINTMENTS = StepFlow(
    NAME,
    {
        AppointmentStep.LIST: Step(
            list_and_view.show_list,
            choices={
                "open": list_and_view.open_one,
                "add": list_and_view.add,
                "picture": list_and_view.send_picture,
                "defaults": reminder_choices.choose_usual,
                "back": _to_menu,
            },
        ),
        AppointmentStep.VIEW: Step(
            list_and_view.show_view, choices=list_and_view.VIEW_CHOICES, back=AppointmentStep.LIST
        ),
        AppointmentStep.REMOVE: Step(
            list_and_view.show_remove, choices={"yes": list_and_view.remove_it}, back=AppointmentStep.VIEW
        ),
        AppointmentStep.DAY: Step(
            adding.show_day,
            choices={"day": adding.day_tapped, "back": adding.back_from_day},
            text=adding.day_written,
        ),
        AppointmentStep.TIME: Step(
            adding.show_time,
            choices={"time": adding.time_tapped},
            text=adding.time_written,
            back=AppointmentStep.DAY,
        ),
        AppointmentStep.KIND: Step(
            adding.show_kind, choices={"kind": adding.kind_tapped}, back=AppointmentStep.TIME
        ),
        AppointmentStep.PLACE: Step(
            free_text.show_place,
            choices={"none": free_text.PLACE.skipped, "back": free_text.back_from_place},
            text=free_text.PLACE.written,
        ),
        AppointmentStep.NOTE: Step(
            free_text.show_note,
            choices={"none": free_text.NOTE.skipped},
            text=free_text.NOTE.written,
            back=AppointmentStep.PLACE,
        ),
        AppointmentStep.REMINDERS: Step(
            reminder_choices.show_reminders,
            choices={"toggle": reminder_choices.toggle, "done": reminder_choices.done, "back": back_to_view},
        ),
    },
    first=AppointmentStep.LIST,
    everywhere={"menu": _to_menu},
    hands_over_to={"menu"},
)
