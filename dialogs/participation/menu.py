"""The main menu: where a participant rests between questions. Help is always the first button."""

from __future__ import annotations

from datetime import timedelta

from dialogs.core.events import Choice
from dialogs.core.flow import Flow
from dialogs.core.i18n import N_
from dialogs.core.turn import Turn
from storage.participants import Status

SOS_LASTING = timedelta(days=365)


def sos_choice(turn: Turn) -> Choice:
    return Choice(turn.tr("🆘 Help now"), "cmd:sos", lasting=SOS_LASTING)


STOPPED_NOTE = N_(
    "You have stopped taking part, so I send you nothing. If you want to take part again, write /start. "
    "If you need help now, tap the button or write /sos."
)


def stopped_note(turn: Turn) -> None:
    """What someone who stopped sees instead of the menu: how to come back, and help at once."""
    turn.say(turn.tr(STOPPED_NOTE), [[sos_choice(turn)]])


async def show_menu(turn: Turn) -> None:
    if turn.flow != "menu":
        turn.reset("menu", "idle")
    await MenuFlow().show(turn)


class MenuFlow(Flow):
    name = "menu"

    async def show(self, turn: Turn) -> None:
        if turn.participant is not None and turn.participant.status is Status.STOPPED:
            stopped_note(turn)
            return
        entries = [Choice(turn.tr(entry.label), f"cmd:{entry.command}") for entry in turn.registry.menu]
        rows = [[sos_choice(turn)], *[entries[i : i + 2] for i in range(0, len(entries), 2)]]
        turn.say(turn.tr("What would you like to do?"), rows)

    async def on_text(self, turn: Turn, text: str) -> None:
        for handler in turn.registry.menu_text:
            if await handler(turn, text):
                return
        turn.say(turn.tr("I did not understand that. Please choose from the menu, or write /help."))
        await self.show(turn)
