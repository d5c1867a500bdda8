"""The pictures as drawn: what a participant sees, measured in pixels.

The example pictures of the README are the references (`tests/picture_examples.py`): a picture drawn now
must match them to within a few stray pixels, so shaped Arabic, Persian digits and the layout cannot
change unnoticed. The other tests look for what matters without a reference: the faces' colours in the
order of the days (mirrored in Arabic: the newest day on the left), the title at the side where reading
starts, and no picture at all where Arabic could not be shaped.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from bot.pictures import fonts as fonts_module
from bot.pictures.draw import CHECKIN_COLOUR, INK, MOOD_COLOURS, layout_of, render
from bot.pictures.fonts import KNOWN_FONTS, Fonts, PicturesUnavailable, find_fonts, start_up_report
from bot.pictures.layout import MARGIN, WIDTH, cell_box, icon_box
from dialogs.core.i18n import Translator
from dialogs.pictures.mood_picture import mood_picture
from dialogs.pictures.spec import Picture
from tests.picture_examples import EXAMPLES, NEEDS_DRAWING, examples

pytestmark = NEEDS_DRAWING

SUNDAY = date(2026, 12, 6)
WEEK = {
    SUNDAY - timedelta(days=6): 1,
    SUNDAY - timedelta(days=5): 3,
    SUNDAY - timedelta(days=3): 5,
}  # Mo Tu Th
CHECKIN_DAY = SUNDAY - timedelta(days=4)  # Wednesday


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return find_fonts()


def drawn(picture: Picture, fonts: Fonts) -> Image.Image:
    return Image.open(io.BytesIO(render(picture, fonts))).convert("RGB")


def week_picture(locale: str) -> Picture:
    picture = mood_picture(Translator(locale), SUNDAY, WEEK, [CHECKIN_DAY])
    assert picture is not None
    return picture


def marks_left_to_right(image: Image.Image, y: int) -> list[tuple[int, int, int]]:
    """The colours of the faces and ticks met along a line, left to right, each once."""
    wanted = {*MOOD_COLOURS.values(), CHECKIN_COLOUR}
    seen: list[tuple[int, int, int]] = []
    for x in range(image.width):
        colour = image.getpixel((x, y))
        assert isinstance(colour, tuple)
        if colour in wanted and (not seen or seen[-1] != colour):
            seen.append((colour[0], colour[1], colour[2]))
    return seen


@pytest.mark.parametrize("name", sorted(examples()))
def test_the_examples_in_the_readme_are_what_is_drawn_now(name: str, fonts: Fonts) -> None:
    reference = Image.open(EXAMPLES / name).convert("RGB")
    now = drawn(examples()[name], fonts)
    assert now.size == reference.size
    difference = ImageChops.difference(now, reference).convert("L").point(lambda v: 255 if v > 64 else 0)
    changed = difference.histogram()[255]
    assert changed <= now.width * now.height // 1000, f"{changed} pixels differ from docs/examples/{name}"


def test_the_arabic_example_differs_from_the_german_in_every_text(fonts: Fonts) -> None:
    """A reference compared with itself proves nothing if both lost their text: the Arabic and German
    pictures of the same days differ in the title and the legend, and match in nothing but the marks."""
    german, arabic = drawn(examples()["myweek-de.png"], fonts), drawn(examples()["myweek-ar.png"], fonts)
    title = (MARGIN, MARGIN, WIDTH - MARGIN, MARGIN + 40)
    assert ImageChops.difference(german.crop(title), arabic.crop(title)).getbbox() is not None


@pytest.mark.parametrize(("locale", "mirrored"), [("de", False), ("ar", True), ("fa", True)])
def test_days_run_in_the_reading_direction(locale: str, mirrored: bool, fonts: Fonts) -> None:
    picture = week_picture(locale)
    image = drawn(picture, fonts)
    layout = layout_of(picture, fonts)
    last_row = len(picture.rows) - 1
    _, top, _, bottom = icon_box(cell_box(layout, picture, last_row, 0))
    y = top + (bottom - top) // 6  # inside each round mark, above the eyes
    week = [MOOD_COLOURS[1], MOOD_COLOURS[3], CHECKIN_COLOUR, MOOD_COLOURS[5]]  # Monday to Thursday
    assert marks_left_to_right(image, y) == (week[::-1] if mirrored else week)


def test_today_has_a_thick_frame_on_the_left_in_arabic_and_the_right_in_german(fonts: Fonts) -> None:
    for locale, column_side in (("de", "right"), ("ar", "left")):
        picture = week_picture(locale)
        image = drawn(picture, fonts)
        layout = layout_of(picture, fonts)
        left, top, _, bottom = cell_box(layout, picture, len(picture.rows) - 1, 6)  # Sunday, today
        assert (left < WIDTH // 2) == (column_side == "left")
        frame = [image.getpixel((left + 4, y)) for y in range(top + 20, bottom - 20)]
        assert all(pixel == INK for pixel in frame), locale


def test_the_title_starts_where_reading_starts(fonts: Fonts) -> None:
    for locale in ("de", "ar"):
        picture = dataclasses.replace(week_picture(locale), title="Ab" if locale == "de" else "اب")
        image = drawn(picture, fonts)
        ink = ImageChops.invert(image.crop((0, MARGIN, WIDTH, MARGIN + 50))).getbbox()
        assert ink is not None
        if locale == "de":
            assert ink[0] <= MARGIN + 6 and ink[2] < WIDTH // 2
        else:
            assert ink[2] >= WIDTH - MARGIN - 6 and ink[0] > WIDTH // 2


def test_arabic_is_shaped_not_drawn_letter_by_letter(fonts: Fonts) -> None:
    """Joined letters are narrower than the same letters in their isolated forms, one by one."""
    font = fonts.font(40)
    word = "سلام"
    joined = font.getlength(word, direction="rtl", language="ar")
    alone = sum(font.getlength(letter, direction="rtl", language="ar") for letter in word)
    assert joined < alone * 0.9


def test_pictographs_the_font_lacks_leave_no_boxes(fonts: Fonts) -> None:
    """A text not yet translated starts with 🌐, which DejaVu Sans cannot draw."""
    plain = dataclasses.replace(week_picture("de"), title="Ab")
    marked = dataclasses.replace(plain, title="🌐 Ab")
    assert render(marked, fonts) == render(plain, fonts)


def test_no_unshaped_arabic_without_raqm(fonts: Fonts) -> None:
    basic = dataclasses.replace(fonts, shaping=False)
    with pytest.raises(PicturesUnavailable):
        render(week_picture("ar"), basic)
    assert render(week_picture("de"), basic).startswith(b"\x89PNG")  # German needs no shaping


def test_a_picture_is_phone_sized_and_mostly_white(fonts: Fonts) -> None:
    image = drawn(examples()["myweek-de.png"], fonts)
    assert image.width == WIDTH and image.height < 2 * WIDTH
    white = image.convert("L").histogram()[255]  # only the page itself is pure white
    assert white > image.width * image.height // 2  # high contrast: dark marks on a white page


def test_the_start_up_says_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert start_up_report() == (True, "pictures are drawn with DejaVuSans.ttf and raqm text shaping")
    missing = tmp_path / "NoSuchFont.ttf"
    well, line = start_up_report(missing)
    assert not well and "COMPANION_PICTURE_FONT" in line and "text version only" in line
    monkeypatch.setattr(fonts_module, "KNOWN_FONTS", ())
    well, line = start_up_report()
    assert not well and "fonts-dejavu-core" in line
    monkeypatch.setattr(fonts_module.features, "check", lambda feature: False)
    monkeypatch.setattr(fonts_module, "KNOWN_FONTS", KNOWN_FONTS)
    well, line = start_up_report()
    assert not well and "Arabic and Farsi are off" in line and "libfribidi0" in line
