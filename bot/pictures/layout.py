"""Where things go on a picture: the geometry the renderer draws and the tests measure.

Everything is sized for a phone: the picture is 720 pixels wide, which Telegram shows at about the
width of the screen, so text of 30 pixels and more reads like large print.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.pictures.spec import Picture

WIDTH = 720
MARGIN = 24
GAP = 6
COLUMNS = 7
CELL_W = (WIDTH - 2 * MARGIN - (COLUMNS - 1) * GAP) // COLUMNS  # 96
CELL_H = 118
TITLE_SIZE = 40
TITLE_LINE = 52
HEADER_SIZE = 26
HEADER_H = 44
DAY_SIZE = 30
NOTE_SIZE = 26
LEGEND_SIZE = 32
LEGEND_LINE = 60
ICON = 56  # a face, tick or sheet in a cell
LEGEND_ICON = 44

Box = tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True)
class Layout:
    title_lines: int
    rows: int
    legend: int

    @property
    def grid_top(self) -> int:
        return MARGIN + self.title_lines * TITLE_LINE + 12 + HEADER_H

    @property
    def legend_top(self) -> int:
        return self.grid_top + self.rows * (CELL_H + GAP) + 18

    @property
    def height(self) -> int:
        return self.legend_top + self.legend * LEGEND_LINE + MARGIN


def column_left(column: int, rtl: bool) -> int:
    """The left edge of a column in logical order (0 = Monday); right to left, Monday is rightmost."""
    shown = COLUMNS - 1 - column if rtl else column
    return MARGIN + shown * (CELL_W + GAP)


def cell_box(layout: Layout, picture: Picture, row: int, column: int) -> Box:
    left = column_left(column, picture.rtl)
    top = layout.grid_top + row * (CELL_H + GAP)
    return left, top, left + CELL_W, top + CELL_H


def icon_box(box: Box, size: int = ICON, below: int = 40) -> Box:
    """The mark's square in a cell: `below` pixels under the cell's top (under the day number), centred."""
    left, top, right, _ = box
    x = (left + right) // 2
    y = top + below + size // 2
    return x - size // 2, y - size // 2, x + size // 2, y + size // 2


def legend_icon_box(layout: Layout, index: int, rtl: bool) -> Box:
    top = layout.legend_top + index * LEGEND_LINE + (LEGEND_LINE - LEGEND_ICON) // 2
    left = WIDTH - MARGIN - LEGEND_ICON if rtl else MARGIN
    return left, top, left + LEGEND_ICON, top + LEGEND_ICON
