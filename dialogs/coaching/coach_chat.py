"""A coach as the rest of the coaching code meets them: the coach of a turn, the pseudonym their
organisation knows a participant by, the language they read, a message queued for their chat, and the
audit entry of what they did or were told.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dialogs.core import outgoing
from dialogs.core.events import Choice
from dialogs.core.i18n import Translator
from dialogs.core.turn import Turn
from storage import audit, org_pseudonyms
from storage.coaches import Coach
from storage.database import Tx


def coach_of(turn: Turn) -> Coach:
    """The coach of a coach's handler (their commands, flows and due rows): the engine lets only an
    active coach's chat reach them; fails loudly if that promise is broken."""
    if turn.coach is None or not turn.coach.active:
        raise LookupError(f"no active coach in chat {turn.chat_id} for a coach's handler")
    return turn.coach


async def known_as(tx: Tx, coach: Coach, participant_id: int, now: datetime) -> str:
    """The pseudonym the coach's organisation knows the participant by: the only one its staff see."""
    return await org_pseudonyms.for_organisation(tx, participant_id, coach.organisation_id, now)


def coach_translator(coach: Coach) -> Translator:
    return Translator(coach.locale, "de", coach.timezone)


async def send_to_coach(
    tx: Tx,
    coach: Coach,
    text: str,
    now: datetime,
    *,
    choices: Sequence[Sequence[Choice]] = (),
    about: int | None = None,
) -> int | None:
    """Queue a message for a coach's chat (outside the coach's own turn); lasting buttons only."""
    if coach.chat_id is None or not coach.active:
        return None
    return await outgoing.queue_for_coach(tx, coach.chat_id, text, now, choices=choices, about=about)


async def audit_coach(
    tx: Tx,
    coach: Coach,
    action: str,
    pseudonym: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """An audit entry about a participant (by the pseudonym the coach's organisation knows) that names
    the coach who read, answered, proposed or was told something."""
    await audit.append(
        tx,
        action=action,
        now=now,
        pseudonym=pseudonym,
        coach_id=coach.id,
        coach_name=coach.name,
        organisation=coach.organisation,
        detail=detail,
    )


async def tell_coach(
    tx: Tx, coach: Coach, participant_id: int, action: str, message: str, now: datetime
) -> None:
    """Tell a coach (in their language) something about a participant, by the pseudonym their
    organisation knows, and keep it in the audit log."""
    known = await known_as(tx, coach, participant_id, now)
    await send_to_coach(tx, coach, coach_translator(coach)(message, pseudonym=known), now)
    await audit_coach(tx, coach, action, known, now)
