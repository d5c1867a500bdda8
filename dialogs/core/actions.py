"""What a button carries: a typed `Action`, written once as text for the button store and parsed once.

A button's action is stored as text (`appts:open:12`, `checkin:12:later:30`) because the token that stands
for it outlives the process. The engine parses that text once into an `Action`; handlers read its
`name`, its arguments and the numbers in them, and never split strings themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

SQLITE_DIGITS = 18  # any number this long fits SQLite's 64-bit integers


def item_number(text: str) -> int | None:
    """The number in `text`, or None when it is not one: ASCII digits only (not "²", which `isdigit`
    accepts and `int` refuses) and short enough for SQLite."""
    if not (text.isascii() and text.isdigit()) or len(text) > SQLITE_DIGITS:
        return None
    return int(text)


@dataclass(frozen=True)
class Action:
    """A button's meaning: a name (`days`, `open`, `checkin`) and its arguments."""

    name: str
    args: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Action:
        name, *args = text.split(":")
        return cls(name, tuple(args))

    def __str__(self) -> str:
        return ":".join((self.name, *self.args))

    def arg(self, index: int = 0) -> str:
        """The argument at `index`, or "" when the action has fewer."""
        return self.args[index] if index < len(self.args) else ""

    def number(self, index: int = 0) -> int | None:
        """The argument at `index` as a number, or None when it is missing or not a number."""
        return item_number(self.arg(index))


def act(name: str, *args: object) -> str:
    """The text a button stores for `Action(name, args)`."""
    return str(Action(name, tuple(str(a) for a in args)))
