"""The main menu: where a participant rests between questions. Help is always the first button.

After an action the menu is not sent again in full: a short line offers "🆘 Help now" and "☰ Menu", and
"☰ Menu" shows every entry (`features.MAIN_MENU`). /help at the menu offers the list of commands there too.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from dialogs.core.actions import Action, act
from dialogs.core.events import Choice
from dialogs.core.flow import DONE, STAY, Handover, Next, Standing, Step, StepFlow
from dialogs.core.i18n import N_
from dialogs.core.standing import standing_of
from dialogs.core.turn import Turn
from storage.participants import Status

SOS_LASTING = timedelta(days=365)


def sos_choice(turn: Turn) -> Choice:
    return Choice(turn.tr("🆘 Help now"), act("cmd", "sos"), lasting=SOS_LASTING)


STOPPED_NOTE = N_(
    "You have stopped taking part, so I send you nothing. If you want to take part again, write /start. "
    "If you need help now, tap the button or write /sos."
)


def stopped_note(turn: Turn) -> None:
    """What someone who stopped sees instead of the menu: how to come back, and help at once."""
    turn.say(turn.tr(STOPPED_NOTE), [[sos_choice(turn)]])


class MenuStep(StrEnum):
    IDLE = "idle"
    STOPPED = "stopped"  # where /stop leaves the conversation


async def show_menu(turn: Turn) -> None:
    if turn.flow != MENU.name:
        turn.reset(MENU.name, MenuStep.IDLE)
    await MENU.show(turn)


def command_list(turn: Turn, standing: Standing) -> str:
    lines = [
        f"/{c.name} – {turn.tr(c.description)}"
        for c in turn.registry.commands.values()
        if c.in_menu and standing in c.standings
    ]
    return "\n".join(lines)


def menu_choice(turn: Turn) -> Choice:
    return Choice(turn.tr("☰ Menu"), act("menu"))


# Where "Back to the menu" leads: the whole menu, once (after that the compact line again).
BACK_TO_MENU = Handover("menu", data={"full": True})


async def _show(turn: Turn) -> None:
    """The compact way back: help at once, or the whole menu one tap away."""
    if turn.participant is not None and turn.participant.status is Status.STOPPED:
        stopped_note(turn)
        return
    if turn.data.pop("full", False):
        _say_full_menu(turn)
        return
    turn.say(turn.tr("What would you like to do?"), [[sos_choice(turn), menu_choice(turn)]])


async def _full_menu(turn: Turn, action: Action) -> Next:
    if turn.participant is not None and turn.participant.status is Status.STOPPED:
        stopped_note(turn)
    else:
        _say_full_menu(turn)
    return DONE


def _say_full_menu(turn: Turn) -> None:
    entries = [Choice(turn.tr(entry.label), act("cmd", entry.command)) for entry in turn.registry.menu]
    rows = [[sos_choice(turn)], *[entries[i : i + 2] for i in range(0, len(entries), 2)]]
    turn.say(turn.tr("What would you like to do?"), rows)


async def _commands(turn: Turn, action: Action) -> Next:
    """/help's "more": every command this person can use, one per line."""
    *before, last = screens(command_list(turn, standing_of(turn)).split("\n"))
    for text in before:
        turn.say(text)
    turn.say(last, [[sos_choice(turn), menu_choice(turn)]])
    return DONE


SCREEN = 600  # characters: about one phone screen


def screens(lines: list[str]) -> list[str]:
    """Lines gathered into messages of at most a phone screen each (a longer line stays whole)."""
    messages: list[str] = []
    for line in lines:
        if messages and len(messages[-1]) + 1 + len(line) <= SCREEN:
            messages[-1] += "\n" + line
        else:
            messages.append(line)
    return messages or [""]


async def _text(turn: Turn, text: str) -> Next:
    """Typed words at the menu: what they may mean (`features.MENU_TEXT`), else a gentle hint."""
    for handler in turn.registry.menu_text:
        if await handler(turn, text):
            return DONE
    turn.say(turn.tr("I did not understand that. Please choose from the menu, or write /help."))
    return STAY


_RESTING = Step(_show, text=_text, choices={"menu": _full_menu, "commands": _commands})
MENU = StepFlow("menu", {MenuStep.IDLE: _RESTING, MenuStep.STOPPED: _RESTING}, first=MenuStep.IDLE)
