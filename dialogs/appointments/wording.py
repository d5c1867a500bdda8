"""How appointments are named and described to a participant, in their language and time zone.

The place and the note are stored sealed; `opened` opens them for the participant with the configured
keys. A text that cannot be opened (its key was removed) is never shown as an error: the participant
reads one neutral line instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dialogs.core.i18n import N_, Translator
from storage import appointments
from storage.appointments import Appointment
from storage.database import Tx
from storage.sealing import open_or_none, sealer_for
from storage.times import to_db

CALENDAR_FILE = N_("Here is the appointment for your calendar app: open the file to add it.")
KIND_LABELS: dict[str, str] = {
    "jobcentre": N_("Job centre"),
    "doctor": N_("Doctor"),
    "counselling": N_("Counselling"),
    "therapy": N_("Therapy"),
    "work": N_("Work or programme"),
    "authority": N_("Authority"),
    "other": N_("Other"),
}
KIND_ICONS = {
    "jobcentre": "🏢",
    "doctor": "🩺",
    "counselling": "💬",
    "therapy": "🌱",
    "work": "🔧",
    "authority": "📄",
    "other": "📌",
}
REMINDER_LABELS: dict[str, str] = {
    "eve": N_("The evening before, at 18:00"),
    "1d": N_("One day before"),
    "3h": N_("3 hours before"),
    "2h": N_("2 hours before"),
    "1h": N_("1 hour before"),
    "30m": N_("30 minutes before"),
}
HELP_LABELS: dict[str, str] = {
    "interpreter": N_("Interpreter"),
    "childcare": N_("Childcare"),
    "travel_costs": N_("Travel costs"),
    "accompaniment": N_("Someone to come along"),
}
OUTCOME_LABELS: dict[str, str] = {
    "good": N_("It went well."),
    "okay": N_("It was okay."),
    "hard": N_("It was difficult."),
}
ANSWER_LABELS: dict[str, str] = {
    "there": N_("You said you will be there."),
    "cannot": N_("You said you cannot come."),
    "new_date": N_("You said you need a new date."),
    "help": N_("You asked for help to get there."),
}


def kind_label(tr: Translator, kind: str) -> str:
    return tr(KIND_LABELS[kind])


def one_line(tr: Translator, appointment: Appointment) -> str:
    """ "Tue, Oct 27, 10:00 · 🩺 Doctor": for lists and buttons (values only, no sentence to translate)."""
    return (
        f"{tr.short_date(appointment.starts_at)}{tr.comma}{tr.time(appointment.starts_at)} · "
        f"{KIND_ICONS[appointment.kind]} {kind_label(tr, appointment.kind)}"
    )


def when_sentence(tr: Translator, appointment: Appointment, now: datetime) -> str:
    """ "Your appointment (doctor) is tomorrow at 10:00." in the participant's zone."""
    kind = kind_label(tr, appointment.kind)
    starts = appointment.starts_at.astimezone(tr.timezone)
    today = now.astimezone(tr.timezone).date()
    at = tr.time(starts)
    if starts.date() == today:
        return tr("Your appointment ({kind}) is today at {time}.", kind=kind, time=at)
    if starts.date() == today + timedelta(days=1):
        return tr("Your appointment ({kind}) is tomorrow at {time}.", kind=kind, time=at)
    return tr(
        "Your appointment ({kind}) is on {date} at {time}.", kind=kind, date=tr.date(starts, "full"), time=at
    )


UNREADABLE = N_("The place and note of this appointment cannot be shown anymore.")


@dataclass(frozen=True)
class PrivateText:
    """An appointment's place and note, opened; `unreadable` when one was stored but cannot be opened."""

    place: str | None = None
    note: str | None = None
    unreadable: bool = False


def opened(keys: tuple[str, ...], appointment: Appointment) -> PrivateText:
    sealer = sealer_for(keys)
    unreadable = False

    def one(sealed: bytes | None, legacy: str | None) -> str | None:
        nonlocal unreadable
        if sealed is None:
            return legacy
        text = open_or_none(sealer, sealed)
        unreadable = unreadable or text is None
        return text

    place = one(appointment.place_sealed, appointment.legacy_place)
    note = one(appointment.note_sealed, appointment.legacy_note)
    return PrivateText(place, note, unreadable)


def details(tr: Translator, appointment: Appointment, keys: tuple[str, ...]) -> list[str]:
    """Place and note lines, when there are any (only ever for the participant themselves)."""
    text = opened(keys, appointment)
    lines = []
    if text.place:
        lines.append(tr("Place: {place}", place=text.place))
    if text.note:
        lines.append(tr("Note: {note}", note=text.note))
    if text.unreadable:
        lines.append(tr(UNREADABLE))
    return lines


async def readable_appointments(tx: Tx, participant_id: int, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The participant's appointments with place and note opened, for /mydata (None: cannot be opened)."""
    result = []
    for appointment in await appointments.all_of(tx, participant_id):
        text = opened(keys, appointment)
        result.append(
            {
                "starts_at": to_db(appointment.starts_at),
                "kind": appointment.kind,
                "place": text.place,
                "note": text.note,
            }
        )
    return result


def help_list(tr: Translator, categories: list[str]) -> str:
    return ", ".join(tr(HELP_LABELS[category]) for category in categories if category in HELP_LABELS)
