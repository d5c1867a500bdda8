"""Drawing a `Picture` as a PNG with Pillow: high contrast, large text, never colour alone.

A mood is a face (the mouth's curve says it) on a colour from the Okabe-Ito palette, which people with
the common colour vision deficiencies tell apart; a check-in is a tick, an appointment a calendar sheet
with its time, today a thick frame. Text is shaped by raqm (`bot/pictures/fonts.py`) in the picture's
language, and right-to-left pictures are mirrored: the first weekday on the right.
"""

from __future__ import annotations

import io
import unicodedata

from PIL import Image, ImageDraw, ImageFont

from bot.pictures.fonts import Fonts, PicturesUnavailable
from bot.pictures.layout import (
    CELL_W,
    DAY_SIZE,
    HEADER_H,
    HEADER_SIZE,
    LEGEND_ICON,
    LEGEND_SIZE,
    MARGIN,
    NOTE_SIZE,
    TITLE_LINE,
    TITLE_SIZE,
    WIDTH,
    Box,
    Layout,
    cell_box,
    column_left,
    icon_box,
    legend_icon_box,
)
from dialogs.pictures.spec import Cell, Mark, Picture

INK = (0, 0, 0)
PAPER = (255, 255, 255)
FRAME = (90, 90, 90)  # a day's border
EMPTY_DAY = (242, 242, 242)
MOOD_COLOURS = {  # Okabe-Ito: vermillion, orange, yellow, bluish green, blue
    1: (213, 94, 0),
    2: (230, 159, 0),
    3: (240, 228, 66),
    4: (0, 158, 115),
    5: (86, 180, 233),
}
CHECKIN_COLOUR = (204, 204, 204)
SHEET_COLOUR = (0, 114, 178)
TODAY_FRAME = 7
MIN_SIZE = 18
SHEET = 34  # the calendar sheet in a cell


def layout_of(picture: Picture, fonts: Fonts) -> Layout:
    title = _wrapped(picture.title, fonts, WIDTH - 2 * MARGIN)
    return Layout(len(title), len(picture.rows), len(picture.legend))


def render(picture: Picture, fonts: Fonts) -> bytes:
    """The picture as PNG bytes. Raises `PicturesUnavailable` for a right-to-left picture without raqm."""
    if picture.rtl and not fonts.shaping:
        raise PicturesUnavailable("no raqm text shaping for a right-to-left picture")
    layout = layout_of(picture, fonts)
    image = Image.new("RGB", (WIDTH, layout.height), PAPER)
    draw = ImageDraw.Draw(image)
    text = _Text(draw, fonts, picture)
    y = MARGIN
    for line in _wrapped(picture.title, fonts, WIDTH - 2 * MARGIN):
        text.line(line, y, TITLE_SIZE, bold=True)
        y += TITLE_LINE
    header_y = layout.grid_top - HEADER_H // 2 - 2
    for column, name in enumerate(picture.weekdays):
        centre = column_left(column, picture.rtl) + CELL_W // 2
        text.centred(name, (centre, header_y), HEADER_SIZE, bold=True, room=CELL_W)
    for row_index, row in enumerate(picture.rows):
        for column, cell in enumerate(row):
            _cell(draw, text, cell, cell_box(layout, picture, row_index, column))
    for index, (mark, level, words) in enumerate(picture.legend):
        box = legend_icon_box(layout, index, picture.rtl)
        _icon(draw, text, mark, level, box)
        y = box[1] + LEGEND_ICON // 2
        room = WIDTH - 2 * MARGIN - LEGEND_ICON - 16
        if picture.rtl:
            text.at(words, (box[0] - 16, y), LEGEND_SIZE, anchor="rm", room=room)
        else:
            text.at(words, (box[2] + 16, y), LEGEND_SIZE, anchor="lm", room=room)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


class _Text:
    def __init__(self, draw: ImageDraw.ImageDraw, fonts: Fonts, picture: Picture) -> None:
        self.draw, self.fonts = draw, fonts
        self.rtl = picture.rtl
        # Only raqm takes a direction and a language; the basic layout draws left to right.
        self.direction = ("rtl" if picture.rtl else "ltr") if fonts.shaping else None
        self.language = picture.locale if fonts.shaping else None

    def at(
        self, words: str, xy: tuple[int, int], size: int, anchor: str, bold: bool = False, room: int = 0
    ) -> None:
        """`room`: the widest the words may be; a smaller size is taken until they fit (down to 18)."""
        words = drawable(words)
        font = self.fonts.font(size, bold)
        while (
            room
            and size > MIN_SIZE
            and font.getlength(words, direction=self.direction, language=self.language) > room
        ):
            size -= 2
            font = self.fonts.font(size, bold)
        self.draw.text(
            xy, words, fill=INK, font=font, anchor=anchor, direction=self.direction, language=self.language
        )

    def width(self, words: str, font: ImageFont.FreeTypeFont) -> float:
        return font.getlength(words, direction=self.direction, language=self.language)

    def centred(self, words: str, xy: tuple[int, int], size: int, bold: bool = False, room: int = 0) -> None:
        self.at(words, xy, size, "mm", bold, room)

    def line(self, words: str, y: int, size: int, bold: bool = False) -> None:
        """A line aligned at the start of the reading direction."""
        x = WIDTH - MARGIN if self.rtl else MARGIN
        self.at(words, (x, y), size, "ra" if self.rtl else "la", bold)


def drawable(words: str) -> str:
    """The words without pictographs (the 🌐 before a text not yet translated): the font has none, and a
    box in their place would say nothing."""
    kept = (c for c in words if not (unicodedata.category(c) == "So" and ord(c) >= 0x2190))
    return " ".join("".join(kept).split())


def _wrapped(words: str, fonts: Fonts, width: int) -> list[str]:
    font = fonts.font(TITLE_SIZE, bold=True)
    lines: list[str] = []
    for word in drawable(words).split():
        if lines and font.getlength(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _cell(draw: ImageDraw.ImageDraw, text: _Text, cell: Cell, box: Box) -> None:
    if cell.mark is Mark.OUTSIDE:
        return
    draw.rectangle(box, fill=EMPTY_DAY if cell.mark is Mark.NONE else PAPER, outline=FRAME, width=2)
    left, top, right, bottom = box
    if cell.today:
        inset = TODAY_FRAME // 2
        draw.rectangle(
            (left + inset, top + inset, right - inset, bottom - inset), outline=INK, width=TODAY_FRAME
        )
    text.centred(cell.day, ((left + right) // 2, top + 24), DAY_SIZE, bold=True, room=CELL_W - 6)
    if cell.mark is Mark.NONE:
        return
    if cell.mark in (Mark.APPOINTMENT, Mark.PROPOSAL):  # a smaller sheet, lower: the rings clear the day
        _icon(draw, text, cell.mark, cell.level, icon_box(box, SHEET, below=46))
    else:
        _icon(draw, text, cell.mark, cell.level, icon_box(box))
    if cell.note:
        text.centred(cell.note, ((left + right) // 2, bottom - 17), NOTE_SIZE, bold=True, room=CELL_W - 6)


def _icon(draw: ImageDraw.ImageDraw, text: _Text, mark: Mark, level: int | None, box: Box) -> None:
    if mark is Mark.MOOD and level in MOOD_COLOURS:
        _face(draw, level, box)
    elif mark is Mark.CHECKIN:
        _tick(draw, box)
    elif mark in (Mark.APPOINTMENT, Mark.PROPOSAL):
        if level is not None and level > 1:  # more than one that day: a second sheet behind the first
            shift = (box[2] - box[0]) // 4
            _sheet(draw, (box[0] + shift // 2, box[1], box[2] + shift // 2, box[3]))
            box = (box[0] - shift // 2, box[1] + shift // 2, box[2] - shift // 2, box[3] + shift // 2)
        _sheet(draw, box, waiting=mark is Mark.PROPOSAL)
        if mark is Mark.PROPOSAL:  # a bold question mark on the page, in place of its line
            size = box[2] - box[0]
            centre = ((box[0] + box[2]) // 2, box[1] + size * 65 // 100)
            text.at("?", centre, max(MIN_SIZE, size * 7 // 10), "mm", bold=True)
    elif mark is Mark.TODAY:
        draw.rectangle(box, fill=PAPER, outline=INK, width=TODAY_FRAME)


def _face(draw: ImageDraw.ImageDraw, level: int, box: Box) -> None:
    """A round face: two eyes and a mouth from a deep frown (1) through a straight line (3) to a wide
    smile (5)."""
    left, top, right, _ = box
    size = right - left
    draw.ellipse(box, fill=MOOD_COLOURS[level], outline=INK, width=max(2, size // 18))
    eye = max(3, size // 11)
    for x in (left + size * 0.34, left + size * 0.66):
        y = top + size * 0.38
        draw.ellipse((x - eye, y - eye, x + eye, y + eye), fill=INK)
    mouth_w = size * 0.46
    mx0, mx1 = left + (size - mouth_w) / 2, left + (size + mouth_w) / 2
    line = max(3, size // 12)
    curve = {1: -0.22, 2: -0.11, 3: 0.0, 4: 0.11, 5: 0.22}[level] * size
    my = top + size * 0.68
    if curve == 0:
        draw.line((mx0, my, mx1, my), fill=INK, width=line)
        return
    height = abs(curve)
    if curve > 0:  # a smile: the lower half of an ellipse
        draw.arc((mx0, my - height, mx1, my + height), 0, 180, fill=INK, width=line)
    else:  # a frown: the upper half, lower down
        draw.arc(
            (mx0, my + height * 0.4 - height, mx1, my + height * 0.4 + height), 180, 360, fill=INK, width=line
        )


def _tick(draw: ImageDraw.ImageDraw, box: Box) -> None:
    left, top, right, _ = box
    size = right - left
    draw.ellipse(box, fill=CHECKIN_COLOUR, outline=INK, width=max(2, size // 18))
    points = [
        (left + size * 0.25, top + size * 0.52),
        (left + size * 0.43, top + size * 0.70),
        (left + size * 0.76, top + size * 0.32),
    ]
    draw.line(points, fill=INK, width=max(4, size // 9), joint="curve")


def _sheet(draw: ImageDraw.ImageDraw, box: Box, waiting: bool = False) -> None:
    """A calendar sheet: a white page with a dark top band and two rings; `waiting`: an orange band and no
    line (a question mark goes there)."""
    left, top, right, _ = box
    size = right - left
    draw.rectangle(box, fill=PAPER, outline=INK, width=3)
    band = MOOD_COLOURS[2] if waiting else SHEET_COLOUR
    draw.rectangle((left, top, right, top + size * 0.3), fill=band, outline=INK, width=3)
    for x in (left + size * 0.3, left + size * 0.7):
        draw.line((x, top - size * 0.1, x, top + size * 0.12), fill=INK, width=4)
    if not waiting:
        rule = top + size * 0.6
        draw.line((left + size * 0.25, rule, right - size * 0.25, rule), fill=INK, width=3)
