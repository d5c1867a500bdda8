"""/help and /sos."""

from __future__ import annotations

from dialogs.core.flow import Standing, show_current
from dialogs.core.i18n import N_
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from dialogs.crisis.card import card_text, show_crisis

HELP_INTRO = N_(
    "I am your companion in the coaching programme. Taking part is voluntary. "
    "I help with your day, remind you of appointments and explain things in your language."
)


def command_list(turn: Turn, standing: Standing) -> str:
    lines = [
        f"/{c.name} – {turn.tr(c.description)}"
        for c in turn.registry.commands.values()
        if c.in_menu and standing in c.standings
    ]
    return "\n".join(lines)


COACH_INTRO = N_(
    "This is your coach access. You see only the participants connected with you, and only what each of "
    "them allows your organisation. Every look at a case is logged, and the participant can see it."
)


async def help_command(turn: Turn, args: str) -> None:
    standing = standing_of(turn)
    if standing is Standing.COACH:
        turn.say(turn.tr(COACH_INTRO) + "\n\n" + command_list(turn, standing))
        await show_current(turn)
        return
    parts = [turn.tr(HELP_INTRO)]
    if standing is Standing.STRANGER:
        parts.append(turn.tr("To take part you need an invitation link from your coach."))
    else:
        parts.append(command_list(turn, standing))
    parts.append(card_text(turn))
    turn.say("\n\n".join(parts))
    await show_current(turn)


async def sos_command(turn: Turn, args: str) -> None:
    await show_crisis(turn)
