"""What the engine can route to: commands, flows, due kinds, lasting buttons and menu text handlers.

`dialogs/features.py` lists them all in one place; `Registry.of` refuses a name used twice, a flow that
starts at an unknown step or hands over to a flow nobody registered, and a menu entry for no command.
Nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from dialogs.core.actions import Action
from dialogs.core.flow import PARTICIPANTS, Flow, Standing
from storage.due import DueItem

if TYPE_CHECKING:  # a turn carries the registry; the registry only names the type
    from dialogs.core.turn import Turn

CommandHandler = Callable[["Turn", str], Awaitable[None]]
DueHandler = Callable[["Turn", DueItem], Awaitable[None]]
ButtonHandler = Callable[["Turn", Action], Awaitable[None]]
MenuTextHandler = Callable[["Turn", str], Awaitable[bool]]


@dataclass(frozen=True)
class Command:
    name: str
    handler: CommandHandler
    description: str  # msgid for the Telegram command menu and /help
    standings: frozenset[Standing] = PARTICIPANTS
    in_menu: bool = True


@dataclass(frozen=True)
class DueKind:
    """What happens when a due row of this kind comes up. The handler runs inside the sweep's
    transaction; whatever it says goes to the outbox together with the row being settled as done.
    A participant's row runs only while they are active and `scope` is granted, and what it says is
    dropped at sending if that is no longer so (a coach's row has no participant scope)."""

    kind: str
    handler: DueHandler
    scope: str


@dataclass(frozen=True)
class LastingButton:
    """Lasting buttons (`Choice(..., lasting=...)`) whose action is named `name` (a reminder's answers,
    say). They stay valid whatever question the conversation is at; the handler must check that the item
    the action names belongs to this chat and is still open (a forged or old one gets "closed")."""

    name: str
    handler: ButtonHandler


@dataclass(frozen=True)
class MenuEntry:
    label: str  # msgid
    command: str


@dataclass(frozen=True)
class Hooks:
    """What the engine asks the features at fixed points of a turn, so the core imports no feature."""

    crisis_words: Callable[[Turn, str], Awaitable[None]]  # typed words that may mean a crisis
    crisis_card: Callable[[Turn], Awaitable[None]]  # a crisis button of someone who stopped
    consent_renewal: Callable[[Turn], Awaitable[bool]]  # a changed consent text first; True: it answered
    home: Callable[[Turn], Awaitable[None]]  # the main menu
    stopped: Callable[[Turn], None]  # what someone who stopped sees instead of the menu
    coach_text: Callable[[Turn, str], Awaitable[None]]  # words a coach types
    need_invitation: str  # msgid: what a stranger is told
    # words of distress without acute crisis words ("ich kann nicht mehr", 😭): a warm answer, any state
    distress_words: Callable[[Turn, str], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Registry:
    commands: Mapping[str, Command] = field(default_factory=dict)
    flows: Mapping[str, Flow] = field(default_factory=dict)
    due: Mapping[str, DueKind] = field(default_factory=dict)
    buttons: Mapping[str, LastingButton] = field(default_factory=dict)
    menu: tuple[MenuEntry, ...] = ()
    menu_text: tuple[MenuTextHandler, ...] = ()
    hooks: Hooks | None = None

    @classmethod
    def of(
        cls,
        *,
        commands: Iterable[Command] = (),
        flows: Iterable[Flow] = (),
        due: Iterable[DueKind] = (),
        buttons: Iterable[LastingButton] = (),
        menu: Iterable[MenuEntry] = (),
        menu_text: Iterable[MenuTextHandler] = (),
        hooks: Hooks | None = None,
    ) -> Registry:
        """`menu`: the main menu's buttons in order; `menu_text`: what typed text at the main menu may
        mean, tried in order."""
        registry = cls(
            commands=_unique("command", ((c.name, c) for c in commands)),
            flows=_unique("flow", ((flow.name, flow) for flow in flows)),
            due=_unique("due kind", ((d.kind, d) for d in due)),
            buttons=_unique("lasting button", ((b.name, b) for b in buttons)),
            menu=tuple(menu),
            menu_text=tuple(menu_text),
            hooks=hooks,
        )
        registry.check()
        return registry

    def check(self) -> None:
        """Every name a flow or the menu refers to exists."""
        for flow in self.flows.values():
            names = flow.step_names()
            if names is not None and flow.first not in names:
                raise ValueError(f"flow {flow.name} starts at unknown step {flow.first}")
            for target in flow.hands_over_to:
                if target not in self.flows:
                    raise ValueError(f"flow {flow.name} hands over to unknown flow {target}")
        for entry in self.menu:
            if entry.command not in self.commands:
                raise ValueError(f"menu entry {entry.label!r} runs unknown command /{entry.command}")

    @property
    def hook(self) -> Hooks:
        if self.hooks is None:
            raise LookupError("this registry has no hooks: the engine needs dialogs.features.REGISTRY")
        return self.hooks

    def flow(self, name: str) -> Flow:
        return self.flows[name]


T = TypeVar("T")


def _unique(what: str, pairs: Iterable[tuple[str, T]]) -> dict[str, T]:
    found: dict[str, T] = {}
    for name, item in pairs:
        if name in found:
            raise ValueError(f"{what} {name!r} is registered twice")
        found[name] = item
    return found


EMPTY = Registry()
