"""What the lasting answer buttons of an appointment carry: `appt:<id>:<verb>[:<detail>]`, and how long."""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.actions import act
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage import coaches
from storage.appointments import Appointment

BUTTON = "appt"  # the lasting buttons' action name: `appt:<id>:<verb>[:<detail>]`
ANSWER_WINDOW = timedelta(days=1)  # reminder answers keep working until a day after the start
NOT_SHARED = N_(
    "You have not allowed me to pass anything on to your coach, so nobody is told. "
    "You can allow short signals in /privacy."
)

NO_COACH = N_("You are not connected with a coach in this companion, so nobody is told.")


async def not_shared(turn: Turn) -> str:
    """Why nobody is told: no sharing consent (which /privacy can change), or no coach to tell at all
    (then no hint about sharing, which could not help)."""
    if await coaches.organisations_of(turn.tx, turn.person.id):
        return turn.tr(NOT_SHARED)
    return turn.tr(NO_COACH)


def lasting(turn: Turn, appointment: Appointment, after_start: timedelta) -> timedelta:
    return max(appointment.starts_at + after_start - turn.now, timedelta(hours=1))


def button_action(appointment: Appointment, verb: str, detail: str = "") -> str:
    return act(BUTTON, appointment.id, verb, *((detail,) if detail else ()))
