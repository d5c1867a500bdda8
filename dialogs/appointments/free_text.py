"""The place and the note of an appointment: free text, asked only when an encryption key is configured.

Each is sealed in the turn it arrives, so not even the unfinished draft in the conversation state holds it
in plain text. Without a key the questions end with the kind and the place cannot be changed; a question
left open when the key is removed is not asked further.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialogs.appointments.conversation_state import (
    AppointmentStep,
    at_hand_id,
    back_choice,
    back_to_view,
    draft,
    editing,
    sealer,
    to_view,
)
from dialogs.appointments.saving import save_new, save_place
from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Go, Next
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage.appointments import NOTE_MAX, PLACE_MAX


class FreeText:
    """A step answered with a short text or “Skip” (the place, the note): whitespace collapsed, an empty
    text counts as skipped, a text over `limit` characters gets `too_long` and the question again."""

    def __init__(
        self, limit: int, too_long: str, given: Callable[[Turn, str | None], Awaitable[Next]]
    ) -> None:
        self.limit = limit
        self.too_long = too_long
        self.given = given

    async def skipped(self, turn: Turn, action: Action) -> Next:
        return await self.given(turn, None)

    async def written(self, turn: Turn, text: str) -> Next:
        value = " ".join(text.split())
        if len(value) > self.limit:
            turn.say(turn.tr(self.too_long, count=turn.tr.number(self.limit)))
            return STAY
        return await self.given(turn, value or None)


def _without_key(turn: Turn) -> Next | None:
    """The key was removed while a place or note question was open: where to go instead (None while a
    key is configured)."""
    if sealer(turn) is not None:
        return None
    appointment_id = at_hand_id(turn)
    if editing(turn) == "place" and appointment_id is not None:
        return to_view(appointment_id)
    return Go(AppointmentStep.KIND)


def _skip_rows(turn: Turn, skip: str) -> list[list[Choice]]:
    return [[Choice(skip, act("none"))], [back_choice(turn)]]


# --- the place -----------------------------------------------------------------------------------------


async def show_place(turn: Turn) -> Next | None:
    tr = turn.tr
    if (elsewhere := _without_key(turn)) is not None:
        return elsewhere
    if editing(turn) == "place":
        turn.say(tr("Please write the new place or address."), _skip_rows(turn, tr("Remove the place")))
    else:
        turn.say(
            tr("Where is it? Write the place or the address, or tap “Skip”."), _skip_rows(turn, tr("Skip"))
        )
    return None


async def _place_given(turn: Turn, place: str | None) -> Next:
    seal = sealer(turn)
    if seal is None:
        return _without_key(turn) or STAY
    sealed = None if place is None else seal.seal(place)
    if editing(turn) == "place":
        return await save_place(turn, sealed)
    draft(turn)["place"] = None if sealed is None else sealed.decode("ascii")  # a Fernet token is ASCII
    return Go(AppointmentStep.NOTE)


async def back_from_place(turn: Turn, action: Action) -> Next:
    """Changing the place goes back to the appointment; adding one goes back to the kind."""
    return await back_to_view(turn, action) if editing(turn) else Go(AppointmentStep.KIND)


PLACE = FreeText(
    PLACE_MAX, N_("That is too long for a place. Please write at most {count} characters."), _place_given
)


# --- the note ------------------------------------------------------------------------------------------


async def show_note(turn: Turn) -> Next | None:
    tr = turn.tr
    if (elsewhere := _without_key(turn)) is not None:
        return elsewhere
    turn.say(
        tr("Would you like to add a short note, for example what to bring? Write it, or tap “Skip”."),
        _skip_rows(turn, tr("Skip")),
    )
    return None


async def _note_given(turn: Turn, note: str | None) -> Next:
    return _without_key(turn) or await save_new(turn, note)


NOTE = FreeText(
    NOTE_MAX, N_("That is too long for a note. Please write at most {count} characters."), _note_given
)
