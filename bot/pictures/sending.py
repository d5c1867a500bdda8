"""Turning a picture attachment from the outbox into PNG bytes, off the event loop.

A picture that cannot be drawn (no font, no text shaping for Arabic, any error) gives None: the
transport then gives that one message up, and the text version, queued right behind it as its own
message, still arrives. The log names the picture's kind and the error's type, never its content.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.pictures.draw import render
from bot.pictures.fonts import Fonts, PicturesUnavailable, find_fonts, start_up_report
from dialogs.pictures.spec import PICTURE_SUFFIX, Picture
from storage.outbox import Attachment

log = logging.getLogger(__name__)


class PictureRenderer:
    def __init__(self, fonts: Fonts | None) -> None:
        self.fonts = fonts

    @classmethod
    def configured(cls, font: Path | None = None) -> PictureRenderer:
        """The renderer for this machine; says once in the log whether pictures can be drawn."""
        well, line = start_up_report(font)
        (log.info if well else log.warning)(line)
        try:
            return cls(find_fonts(font))
        except PicturesUnavailable:
            return cls(None)

    async def png(self, attachment: Attachment) -> bytes | None:
        kind = attachment.filename.removesuffix(PICTURE_SUFFIX)[:20]
        if self.fonts is None:
            log.warning("picture %s not drawn: no font; the text version follows", kind)
            return None
        try:
            picture = Picture.from_json(attachment.content)
            return await asyncio.to_thread(render, picture, self.fonts)
        except Exception as exc:
            log.warning("picture %s not drawn (%s); the text version follows", kind, type(exc).__name__)
            return None


def png_name(attachment: Attachment) -> str:
    return attachment.filename.removesuffix(PICTURE_SUFFIX) + ".png"
