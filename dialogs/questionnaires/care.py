"""Alarming answers get care: after a self-report or an evening check-in is saved, a short, kind reply.

Which answers call for it is data: `care` on an item of the form (`selfreport.toml`, `checkin.toml`):
the lowest mood, craving 8 or more, use today, under 4 hours of sleep. The reply offers a coping idea (the
first alarming item's own), the addiction hotline and, for each organisation the participant shares
signals with, a button to ask it to get in touch: the crisis card's own contact button
(`dialogs.crisis.card.contact_choice`), so the tap raises `contact_requested` for that organisation and
nothing else does. The reply itself stores nothing and tells nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs.core.events import Choice
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from dialogs.crisis.card import contact_choice
from dialogs.questionnaires.questionnaire import Care, Part, ScaleItem, SingleItem
from dialogs.signals.catalogue import SHARING
from dialogs.signals.raising import organisations_allowed
from storage import coaches

OPENING = N_("Thank you for telling me. That sounds hard.")
# Sucht & Drogen Hotline: 01806 313031, day and night, 20 cents per call from landlines and mobiles.
# Checked 2026-12-07 on https://www.leossprojekt.de/hilfe/sucht-drogen-hotline ("unter der bundesweit
# einheitlichen Telefonnummer 01806 313031 ... 24 Stunden am Tag besetzt und kostet 20 Cent pro Anruf aus
# dem Festnetz und aus dem Mobilfunknetz"). The same words as the crisis card's line.
HOTLINE = N_("Addiction and drug hotline, day and night (20 cents per call): {number}")
HOTLINE_NUMBER = "01806 313031"
ASK_ONE = N_("Ask my coach to get in touch")
ASK_NAMED = N_("Ask {organisation} to get in touch")


def alarming(part: Part, answers: Mapping[str, Any]) -> list[Care]:
    """The `care` of each item whose answer calls for it, in the form's order."""
    return [
        item.care
        for item in part.items
        if isinstance(item, ScaleItem | SingleItem)
        and item.care is not None
        and item.key in answers
        and item.care.alarming(answers[item.key])
    ]


async def _ask_choices(turn: Turn) -> list[list[Choice]]:
    """One "ask ... to get in touch" button per organisation that may receive signals."""
    allowed = set(await organisations_allowed(turn.tx, turn.person.id, SHARING))
    named = [(i, name) for i, name in await coaches.organisations_of(turn.tx, turn.person.id) if i in allowed]
    if len(named) == 1:
        return [contact_choice(turn.tr(ASK_ONE), named[0][0])]
    return [contact_choice(turn.tr(ASK_NAMED, organisation=name), i) for i, name in named]


async def answer_with_care(turn: Turn, part: Part, answers: Mapping[str, Any]) -> bool:
    """After the answers were saved: the caring reply if one of them is alarming. True when it was said."""
    cares = alarming(part, answers)
    if not cares:
        return False
    text = "\n\n".join((turn.tr(OPENING), turn.tr(cares[0].idea), turn.tr(HOTLINE, number=HOTLINE_NUMBER)))
    turn.say(text, await _ask_choices(turn))
    return True
