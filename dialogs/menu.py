"""The main menu: where a participant rests between questions. Help is always the first button."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from dialogs.events import Choice
from dialogs.flow import Flow, flow
from dialogs.i18n import N_
from dialogs.turn import Turn
from storage.participants import Status

SOS_LASTING = timedelta(days=365)

# (label msgid, command): later features add their entries here.
MENU_ENTRIES: list[tuple[str, str]] = [
    (N_("⏰ Check-ins"), "settings"),
    (N_("⏸ Pause"), "pause"),
    (N_("📅 Appointments"), "appointments"),
    (N_("📝 How I am"), "report"),
    (N_("📈 My weeks"), "myweek"),
    (N_("🔒 Privacy"), "privacy"),
    (N_("🌐 Language"), "language"),
    (N_("❓ Help"), "help"),
]


# What typed text at the main menu may mean, tried in order (a search of the help information, say);
# each returns True when it answered.
TEXT_HANDLERS: list[Callable[[Turn, str], Awaitable[bool]]] = []


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


@flow
class MenuFlow(Flow):
    name = "menu"

    async def show(self, turn: Turn) -> None:
        if turn.participant is not None and turn.participant.status is Status.STOPPED:
            stopped_note(turn)
            return
        entries = [Choice(turn.tr(label), f"cmd:{name}") for label, name in MENU_ENTRIES]
        rows = [[sos_choice(turn)], *[entries[i : i + 2] for i in range(0, len(entries), 2)]]
        turn.say(turn.tr("What would you like to do?"), rows)

    async def on_text(self, turn: Turn, text: str) -> None:
        for handler in TEXT_HANDLERS:
            if await handler(turn, text):
                return
        turn.say(turn.tr("I did not understand that. Please choose from the menu, or write /help."))
        await self.show(turn)
