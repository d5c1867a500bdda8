"""What the /appointments conversation carries between its steps: the step names, the appointment at hand
(`id`), the unfinished draft (`draft`: day, time, kind, sealed place) and what is being changed (`edit`).

Every step module reads the conversation through these helpers, and "back" and "this appointment is gone"
are decided here once.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from dialogs.appointments.when import local_moment
from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Go, Next
from dialogs.core.turn import Turn
from storage import appointments
from storage.appointments import Appointment
from storage.sealing import Sealer, sealer_for


class AppointmentStep(StrEnum):
    LIST = "list"
    VIEW = "view"
    REMOVE = "remove"
    DAY = "day"
    TIME = "time"
    KIND = "kind"
    PLACE = "place"
    NOTE = "note"
    REMINDERS = "reminders"


def today(turn: Turn) -> date:
    return turn.now.astimezone(turn.tr.timezone).date()


def sealer(turn: Turn) -> Sealer | None:
    """None when no key is configured: then place and note are neither asked for nor stored."""
    return sealer_for(turn.config.encryption_keys)


def back_choice(turn: Turn) -> Choice:
    return Choice(turn.tr("⬅️ Back"), "back")


def editing(turn: Turn) -> str | None:
    """What of an existing appointment this question changes ("time", "place"), or None when adding."""
    edit = turn.data.get("edit")
    return edit if isinstance(edit, str) and edit else None


# --- the appointment at hand ---------------------------------------------------------------------------


def at_hand_id(turn: Turn) -> int | None:
    appointment_id = turn.data.get("id")
    return appointment_id if isinstance(appointment_id, int) else None


async def at_hand(turn: Turn) -> Appointment | None:
    """The participant's appointment this conversation is about, if it is still on their list."""
    appointment_id = at_hand_id(turn)
    if appointment_id is None:
        return None
    return await appointments.of_participant(turn.tx, turn.person.id, appointment_id)


async def ahead(turn: Turn) -> Appointment | None:
    """The appointment at hand while it still lies ahead (a past one can no longer be changed)."""
    appointment = await at_hand(turn)
    return appointment if appointment is not None and appointment.starts_at > turn.now else None


def gone(turn: Turn) -> Next:
    turn.say(turn.tr("This appointment is no longer on your list."))
    return to_list()


def to_list() -> Next:
    return Go(AppointmentStep.LIST, fresh=True)


def to_view(appointment_id: int) -> Next:
    return Go(AppointmentStep.VIEW, {"id": appointment_id}, fresh=True)


async def back_to_view(turn: Turn, action: Action) -> Next:
    """Where "back" goes from a question about one appointment: its view (the list from the usual
    reminders, or when there is none)."""
    appointment_id = at_hand_id(turn)
    if appointment_id is None or turn.data.get("target") == "defaults":
        return to_list()
    return to_view(appointment_id)


# --- the draft -----------------------------------------------------------------------------------------


def draft(turn: Turn) -> dict[str, Any]:
    found = turn.data.get("draft")
    if not isinstance(found, dict):
        found = {}
        turn.data["draft"] = found
    return found


def draft_day(turn: Turn) -> date | None:
    try:
        return date.fromisoformat(str(draft(turn).get("day")))
    except ValueError:
        return None


def draft_moment(turn: Turn) -> datetime | None:
    day = draft_day(turn)
    try:
        at = time.fromisoformat(str(draft(turn).get("time")))
    except ValueError:
        return None
    return None if day is None else local_moment(day, at, turn.tr.timezone)
