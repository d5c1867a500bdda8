"""/language: every later message, including ones already planned, is in the new language."""

from __future__ import annotations

from dialogs.core.actions import Action
from dialogs.core.events import Choice
from dialogs.core.flow import Flow, Standing, show_current
from dialogs.core.i18n import native_name, shipped_locales
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.participation.menu import show_menu
from storage import coaches, participants


async def language_command(turn: Turn, args: str) -> None:
    wanted = args.strip().lower()
    if standing_of(turn) is Standing.ENROLLING:
        turn.goto("consent", "language")
        await show_current(turn)
        return
    if wanted in shipped_locales():
        await _set(turn, wanted)
        return
    if wanted:
        turn.say(turn.tr("I do not have the language “{code}”.", code=wanted[:20]))
    turn.reset("language", "choose")
    await show_current(turn)


async def _set(turn: Turn, locale: str) -> None:
    if turn.coach is not None:
        await coaches.set_locale(turn.tx, turn.coach.id, locale)
        turn.coach = await coaches.by_id(turn.tx, turn.coach.id)
        turn.retranslate()
        turn.say(turn.tr("From now on I will write to you in English."))
        from dialogs.coaching.commands import show_coach_menu

        await show_coach_menu(turn)
        return
    assert turn.participant is not None
    await participants.set_locale(turn.tx, turn.participant.id, locale)
    turn.participant = await participants.by_id(turn.tx, turn.participant.id)
    turn.retranslate()
    turn.say(turn.tr("From now on I will write to you in English."))
    await show_menu(turn)


class LanguageFlow(Flow):
    name = "language"

    async def show(self, turn: Turn) -> None:
        codes = shipped_locales()
        choices = [
            Choice(("✓ " if code == turn.locale else "") + native_name(code), f"lang:{code}")
            for code in codes
        ]
        rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
        rows.append([Choice(turn.tr("Back"), "back")])
        turn.say(turn.tr("Please choose your language."), rows)

    async def on_choice(self, turn: Turn, choice: Action) -> None:
        action = str(choice)
        code = action.removeprefix("lang:")
        if action.startswith("lang:") and code in shipped_locales() and (turn.participant or turn.coach):
            await _set(turn, code)
        elif turn.coach is not None:
            from dialogs.coaching.commands import show_coach_menu

            await show_coach_menu(turn)
        else:
            await show_menu(turn)
