"""What of a count may be published: the one rule for every evaluation figure.

A count is published only when it is 0 or at least 5; a count from 1 to 4 is hidden. The rule is applied to
fixed cells only (one month, one kind; later one organisation or one region), each counted the same way
whatever period a report covers, so every report shows the same figure for the same cell. A total adds up
only the figures that are shown, and says so when it left hidden ones out (`12+`).

Why no combination of reports gives a hidden count back: every printed number is a sum of shown cells, and a
cell is shown or hidden by its own count alone. A hidden count is in no printed number of any report, so no
difference or other combination of printed numbers, over any periods, can contain it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SMALL = range(1, 5)  # counts from 1 to 4 are never shown
HIDDEN = "x"


@dataclass(frozen=True)
class Figure:
    """A published figure: `shown` is None when hidden; `partial` when a total left hidden cells out."""

    shown: int | None
    partial: bool = False

    def __str__(self) -> str:
        if self.shown is None:
            return HIDDEN
        return f"{self.shown}+" if self.partial else str(self.shown)


def disclose(count: int) -> Figure:
    """The figure for one fixed cell: the count itself, or hidden when it is from 1 to 4."""
    return Figure(None) if count in SMALL else Figure(count)


def add_up(figures: Iterable[Figure]) -> Figure:
    """A total of published figures: the sum of those shown, marked partial when any was left out;
    hidden when nothing at all was shown."""
    listed = list(figures)
    left_out = any(figure.shown is None or figure.partial for figure in listed)
    shown = [figure.shown for figure in listed if figure.shown is not None]
    if left_out and not any(shown):
        return Figure(None)
    return Figure(sum(value for value in shown if value is not None), partial=left_out)
