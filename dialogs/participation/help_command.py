"""/help and /sos."""

from __future__ import annotations

from dialogs.core.actions import act
from dialogs.core.events import Choice
from dialogs.core.flow import Standing, show_current
from dialogs.core.i18n import N_
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.crisis.card import card_text, show_crisis
from dialogs.participation.menu import MENU, command_list, menu_choice

HELP_INTRO = N_(
    "I am your companion in the coaching programme. Taking part is voluntary. "
    "I help with your day, remind you of appointments and explain things in your language."
)


COACH_INTRO = N_(
    "This is your coach access. You see only the participants connected with you, and only what each of "
    "them allows your organisation. Every look at a case is logged, and the participant can see it."
)


async def help_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.COACH:
        text = turn.tr(COACH_INTRO) + "\n\n" + command_list(turn, standing)
        if turn.flow == "coach" and turn.step == "menu":  # at the menu: the menu one tap away, not again
            turn.say(text, [[menu_choice(turn)]])
            return
        turn.say(text)
        await show_current(turn)
        return
    parts = [turn.tr(HELP_INTRO)]
    if standing is Standing.STRANGER:
        parts.append(turn.tr("To take part you need an invitation link from your coach."))
    turn.say("\n\n".join(parts))
    if standing is Standing.ACTIVE and turn.flow == MENU.name:
        # At the menu: the help numbers, with every command and the menu one tap away (not the menu again).
        more = Choice(turn.tr("📋 All commands"), act("commands"))
        turn.say(card_text(turn), [[more, menu_choice(turn)]])
        return
    # Joining, stopped, or in the middle of a question: the help numbers, then where the person is again.
    turn.say(card_text(turn))
    await show_current(turn)


async def sos_command(turn: Turn, args: str) -> None:
    await show_crisis(turn)
