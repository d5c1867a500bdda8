"""/language: every later message, including ones already planned, is in the new language.

Participants and coaches alike; someone still joining chooses it in the consent's first step.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import STAY, Handover, Next, Standing, Step, StepFlow, show_current, start
from dialogs.core.i18n import native_name, shipped_locales
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.participation.consent import CONSENT, ConsentStep
from dialogs.participation.language_names import locale_named
from dialogs.participation.menu import show_menu
from storage import coaches, participants


async def language_command(turn: Turn, args: str) -> None:
    wanted = args.strip()
    if standing_of(turn) is Standing.ENROLLING:
        turn.goto(CONSENT.name, ConsentStep.LANGUAGE)  # keeps the invitation the person is joining with
        await show_current(turn)
        return
    locale = locale_named(wanted) if wanted else None  # a code ("uk") or a name in any language ("Farsi")
    if locale is not None:
        await _set(turn, locale)
        if turn.coach is not None:
            await start(turn, "coach", "menu")
        else:
            await show_menu(turn)
        return
    if wanted:
        turn.say(turn.tr("I do not have the language “{code}”.", code=wanted[:20]))
    await start(turn, LANGUAGE.name, LanguageStep.CHOOSE)


async def _set(turn: Turn, locale: str) -> None:
    if turn.coach is not None:
        await coaches.set_locale(turn.tx, turn.coach.id, locale)
        turn.coach = await coaches.by_id(turn.tx, turn.coach.id)
    else:
        await participants.set_locale(turn.tx, turn.person.id, locale)
        turn.participant = await participants.by_id(turn.tx, turn.person.id)
    turn.retranslate()
    turn.say(turn.tr("From now on I will write to you in English."))


def _home(turn: Turn) -> Handover:
    """Where a coach's or a participant's chat rests."""
    return Handover("coach", "menu") if turn.coach is not None else Handover("menu")


class LanguageStep(StrEnum):
    CHOOSE = "choose"


async def _show_choose(turn: Turn) -> None:
    choices = [
        Choice(("✓ " if code == turn.locale else "") + native_name(code), act("lang", code))
        for code in shipped_locales()
    ]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    rows.append([Choice(turn.tr("Back"), act("back"))])
    turn.say(turn.tr("Please choose your language."), rows)


async def _chosen(turn: Turn, action: Action) -> Next:
    if action.arg() in shipped_locales() and (turn.participant or turn.coach):
        await _set(turn, action.arg())
    return _home(turn)


async def _written(turn: Turn, text: str) -> Next:
    """A language typed by its name instead of tapped."""
    locale = locale_named(text)
    if locale is None:
        turn.say(turn.tr("I do not have the language “{code}”.", code=text.strip()[:20]))
        return STAY
    if turn.participant or turn.coach:
        await _set(turn, locale)
    return _home(turn)


async def _back(turn: Turn, action: Action) -> Next:
    return _home(turn)


LANGUAGE = StepFlow(
    "language",
    {LanguageStep.CHOOSE: Step(_show_choose, choices={"lang": _chosen, "back": _back}, text=_written)},
    first=LanguageStep.CHOOSE,
    hands_over_to={"menu", "coach"},
)
