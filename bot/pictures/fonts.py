"""Fonts and text shaping for the pictures, checked once at start-up.

Arabic and Farsi need shaping (joined letter forms) and the bidi algorithm; Pillow does both through
libraqm, which its wheels bundle, loading FriBiDi at run time (Debian: `libfribidi0`). Without raqm a
picture in a right-to-left language is not drawn at all (unshaped Arabic is unreadable): the participant
gets the text version, which Telegram lays out itself. DejaVu Sans (Debian: `fonts-dejavu-core`) covers
every script the companion speaks (Latin, Cyrillic, Arabic, Persian) in one file, so no fallback chain is
needed; another font can be named with `COMPANION_PICTURE_FONT`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, features

KNOWN_FONTS = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)
FONT_PACKAGE = "fonts-dejavu-core"


class PicturesUnavailable(Exception):
    """Pictures cannot be drawn here; the message says why and what to install (no personal data)."""


@dataclass(frozen=True)
class Fonts:
    regular: Path
    bold: Path
    shaping: bool  # raqm is there: right-to-left scripts are shaped and ordered

    def font(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        return _load(self.bold if bold else self.regular, size, self.shaping)


@functools.cache
def _load(path: Path, size: int, shaping: bool) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if shaping else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def find_fonts(configured: Path | None = None) -> Fonts:
    """The fonts to draw with: `configured` (regular; a `-Bold` file beside it is used for bold, else the
    same file), or the first known Debian font that is installed."""
    shaping = bool(features.check("raqm"))
    if configured is not None:
        if not configured.is_file():
            raise PicturesUnavailable(f"COMPANION_PICTURE_FONT names {configured}, which is not a file")
        bold = configured.with_name(configured.stem + "-Bold" + configured.suffix)
        return Fonts(configured, bold if bold.is_file() else configured, shaping)
    for regular, bold in KNOWN_FONTS:
        if regular.is_file():
            return Fonts(regular, bold if bold.is_file() else regular, shaping)
    raise PicturesUnavailable(
        f"no font for pictures: install the Debian package {FONT_PACKAGE} or set COMPANION_PICTURE_FONT"
    )


def start_up_report(configured: Path | None = None) -> tuple[bool, str]:
    """(all well, one line for the log) about pictures, said once when the service starts."""
    try:
        fonts = find_fonts(configured)
    except PicturesUnavailable as exc:
        return False, f"pictures are off, participants get the text version only: {exc}"
    if not fonts.shaping:
        return False, (
            "pictures in Arabic and Farsi are off (Pillow's raqm text shaping is not available; on Debian "
            "install libfribidi0): those participants get the text version only"
        )
    return True, f"pictures are drawn with {fonts.regular.name} and raqm text shaping"
