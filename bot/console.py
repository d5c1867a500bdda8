"""The console transport: the same conversations in a terminal, buttons shown as numbered choices.

It reads lines from stdin (typed or piped), so scripts can drive it, and prints what the bot sends.
A number chooses a button of the latest message that had buttons.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from bot.delivery import Result, SendResult
from bot.pictures.sending import PictureRenderer, png_name
from dialogs.core.events import Event, EventKind
from dialogs.pictures.spec import is_picture
from storage.outbox import OutboxMessage

CONSOLE_CHAT_ID = 0  # never a Telegram chat id


class ConsoleSender:
    """Prints messages; remembers the numbered buttons of the latest one that had any."""

    def __init__(self, out: TextIO, files_dir: Path, pictures: PictureRenderer | None = None) -> None:
        self.out = out
        self.files_dir = files_dir
        self.pictures = pictures or PictureRenderer(None)
        self.choices: list[str] = []

    async def send(self, message: OutboxMessage) -> SendResult:
        lines = [message.text]
        if message.buttons:
            self.choices = [token for line in message.buttons for _, token in line]
            labels = [label for line in message.buttons for label, _ in line]
            lines += [f"  {number}) {label}" for number, label in enumerate(labels, start=1)]
        if is_picture(message.attachment):
            assert message.attachment is not None
            png = await self.pictures.png(message.attachment)
            if png is None:
                return SendResult(Result.REJECTED, error="picture")  # the text version follows
            path = self.files_dir / png_name(message.attachment)
            path.write_bytes(png)
            lines.append(f"  [picture saved: {path}]")
        elif message.attachment is not None:
            path = self.files_dir / message.attachment.filename
            path.write_bytes(message.attachment.content)
            lines.append(f"  [file saved: {path}]")
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()
        return SendResult(Result.SENT)


def parse_line(line: str, chat_id: int, choices: list[str]) -> Event | None:
    text = line.strip()
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return Event(chat_id, EventKind.CHOICE, token=choices[int(text) - 1])
    if text.startswith("/"):
        name, _, args = text[1:].partition(" ")
        return Event(chat_id, EventKind.COMMAND, command=name.lower(), text=args)
    return Event(chat_id, EventKind.TEXT, text=text)


async def read_lines(stream: TextIO) -> asyncio.Queue[str | None]:
    """Read stdin in a thread; None marks the end of input."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def pump() -> None:
        for line in stream:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    loop.run_in_executor(None, pump)
    return queue


BANNER = (
    "Companion console. Write /start <invitation code> to begin (make one with: companion invite).\n"
    "Type a number to choose a button, /help for help. End with Ctrl-D.\n"
)
