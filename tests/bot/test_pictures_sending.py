"""Pictures on their way out: drawn in a thread when sent, uploaded with sendPhoto to the fake Bot API, and
when one cannot be drawn the text behind it still arrives and the log says only what kind failed."""

from __future__ import annotations

import dataclasses
import io
import logging
import socket
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.console import ConsoleSender
from bot.delivery import Limits, OutboxWorker, Result
from bot.pictures import sending
from bot.pictures.draw import render
from bot.pictures.fonts import find_fonts
from bot.pictures.sending import PictureRenderer
from bot.telegram_transport import TelegramSender
from dialogs.core.clock import FakeClock
from storage import outbox, participants
from storage.database import Database
from storage.outbox import Attachment, OutboxMessage
from tests.fake_bot_api import FakeBotApi
from tests.picture_examples import NEEDS_DRAWING, myweek_example

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOKEN = "4242:PICTURES"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CHAT = 7001
SENTINEL = "SENTINEL-TITLE-73c1"
CAPTION = "📈 Your last weeks as a picture. The same in words follows."
TEXT = "📈 How you have been. Only you can see this."


@dataclass
class Rig:
    server: FakeBotApi
    db: Database
    worker: OutboxWorker

    async def queue(self, attachment: Attachment) -> list[int]:
        """The picture and, behind it, the text version, as /myweek queues them."""
        async with self.db.transaction() as tx:
            person = await participants.create(
                tx, chat_id=CHAT, locale="de", timezone="Europe/Berlin", now=NOW
            )
            ids = []
            for text, attached in ((CAPTION, attachment), (TEXT, None)):
                ids.append(
                    await outbox.enqueue(
                        tx,
                        chat_id=CHAT,
                        participant_id=person.id,
                        text=text,
                        buttons=[],
                        attachment=attached,
                        not_before=NOW,
                        now=NOW,
                        answer=True,
                    )
                )
            return ids

    async def status(self, message_id: int) -> tuple[str, str | None]:
        async with self.db.read() as tx:
            row = await tx.one("SELECT status, last_error FROM outbox WHERE id = ?", (message_id,))
        assert row is not None
        return row["status"], row["last_error"]


async def rig_with(tmp_path: Path, renderer: PictureRenderer) -> AsyncIterator[Rig]:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        async with Bot(TOKEN, base_url=server.base_url, request=HTTPXRequest()) as bot:
            db = await Database.open(tmp_path / "p.db")
            sender = TelegramSender(bot, renderer)
            worker = OutboxWorker(db, sender, FakeClock(NOW), Limits(global_rate=30, per_chat_interval=0))
            try:
                yield Rig(server, db, worker)
            finally:
                await db.close()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    async for made in rig_with(tmp_path, PictureRenderer(find_fonts())):
        yield made


@pytest.fixture
async def fontless(tmp_path: Path) -> AsyncIterator[Rig]:
    async for made in rig_with(tmp_path, PictureRenderer(None)):
        yield made


@NEEDS_DRAWING
async def test_the_picture_arrives_as_a_photo_with_its_caption_then_the_text(rig: Rig) -> None:
    await rig.queue(myweek_example("ar").attachment())
    await rig.worker.drain()
    photo, text = rig.server.messages_to(CHAT)
    assert (photo.method, photo.text) == ("sendPhoto", CAPTION)
    assert (text.method, text.text) == ("sendMessage", TEXT)
    assert photo.document_bytes is not None
    image = Image.open(io.BytesIO(photo.document_bytes))
    assert (image.format, image.width) == ("PNG", 720)


@NEEDS_DRAWING
async def test_the_picture_is_drawn_off_the_event_loop(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    real = sending.render

    def recording(*args: object) -> bytes:
        threads.append(threading.get_ident())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sending, "render", recording)
    await rig.queue(myweek_example("de").attachment())
    await rig.worker.drain()
    assert threads and threads[0] != threading.get_ident()
    assert [m.method for m in rig.server.messages_to(CHAT)] == ["sendPhoto", "sendMessage"]


async def test_without_a_font_the_text_still_arrives(fontless: Rig, caplog: pytest.LogCaptureFixture) -> None:
    picture = dataclasses.replace(myweek_example("de"), title=SENTINEL)
    caplog.set_level(logging.INFO)
    photo_id, text_id = await fontless.queue(picture.attachment())
    await fontless.worker.drain()
    assert [(m.method, m.text) for m in fontless.server.messages_to(CHAT)] == [("sendMessage", TEXT)]
    assert await fontless.status(photo_id) == ("dead", "picture")  # given up, not retried for ever
    assert await fontless.status(text_id) == ("sent", None)
    assert "picture myweek not drawn" in caplog.text
    assert SENTINEL not in caplog.text and "Schlecht" not in caplog.text


async def test_a_picture_that_breaks_the_drawing_still_lets_the_text_through(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Attachment("myweek.picture", b'{"kind": "myweek", "title": "' + SENTINEL.encode() + b'"}')
    caplog.set_level(logging.INFO)
    await rig.queue(broken)
    await rig.worker.drain()
    assert [m.method for m in rig.server.messages_to(CHAT)] == ["sendMessage"]
    assert "picture myweek not drawn (KeyError)" in caplog.text and SENTINEL not in caplog.text


@NEEDS_DRAWING
def test_drawing_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing about the picture leaves the machine while it is drawn: no socket may even be opened."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened while drawing")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert render(myweek_example("fa"), find_fonts()).startswith(b"\x89PNG")


@NEEDS_DRAWING
async def test_the_console_saves_the_picture_as_a_png(tmp_path: Path) -> None:
    out = io.StringIO()
    console = ConsoleSender(out, tmp_path, PictureRenderer(find_fonts()))
    message = OutboxMessage(1, 0, None, CAPTION, [], myweek_example("de").attachment(), 0)
    assert (await console.send(message)).result is Result.SENT
    assert Image.open(tmp_path / "myweek.png").width == 720
    assert CAPTION in out.getvalue() and "picture saved" in out.getvalue()
