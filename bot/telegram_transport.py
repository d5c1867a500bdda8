"""The Telegram transport (python-telegram-bot 22): updates become events, outbox rows become API calls.

Only what the engine needs is taken from an update: the chat id, the text or button token and the
language code. Names, usernames and phone numbers in the update are never read.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.delivery import Result, SendResult
from bot.pictures.sending import PictureRenderer, png_name
from bot.telegram_http import AnswerLost, KeepAliveRequest, NotConnected
from dialogs.core.clock import Clock
from dialogs.core.events import Event, EventKind
from dialogs.crisis.detection import is_crisis_input
from dialogs.pictures.spec import is_picture
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH
PRESSED_ON_KEPT = ("message_id", "date", "chat")  # of the message a button was pressed on


def is_crisis_update(update: Update) -> bool:
    """/sos, the help button or crisis words: handled before the rest of a batch."""
    event = event_from_update(update)
    return event is not None and is_crisis_input(event)


def event_from_update(update: Update) -> Event | None:
    """The engine's view of an update, or None for updates that need no answer."""
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    hint = user.language_code if user else None
    update_id = update.update_id
    if chat.type != ChatType.PRIVATE:
        if update.message is None or not (update.message.text or "").startswith("/"):
            return None  # in groups, answer only a command addressed to the bot, and only to say no
        return Event(
            chat.id, EventKind.UNSUPPORTED, unsupported="group", language_hint=hint, update_id=update_id
        )
    if update.callback_query is not None:
        return Event(
            chat.id,
            EventKind.CHOICE,
            token=update.callback_query.data or "",
            language_hint=hint,
            update_id=update_id,
        )
    if update.edited_message is not None:
        return Event(
            chat.id, EventKind.UNSUPPORTED, unsupported="edited", language_hint=hint, update_id=update_id
        )
    message = update.message
    if message is None:
        return None
    text = message.text
    if text is None:
        kind = next(
            (
                name
                for name in (
                    "sticker",
                    "photo",
                    "voice",
                    "video",
                    "audio",
                    "document",
                    "location",
                    "contact",
                    "animation",
                    "video_note",
                )
                if getattr(message, name, None)
            ),
            "other",
        )
        return Event(
            chat.id, EventKind.UNSUPPORTED, unsupported=kind, language_hint=hint, update_id=update_id
        )
    if text.startswith("/"):
        head, _, args = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        return Event(
            chat.id, EventKind.COMMAND, command=name, text=args, language_hint=hint, update_id=update_id
        )
    return Event(chat.id, EventKind.TEXT, text=text, language_hint=hint, update_id=update_id)


def keyboard(message: OutboxMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=token) for label, token in line]
            for line in message.buttons
        ]
    )


def trim_pressed_on(update: Any) -> Any:
    """Cut the message a button was pressed on (in a button press's JSON, before python-telegram-bot
    reads it) down to what is read of it: its id, date and chat (`effective_chat`). That message is the
    whole menu the button was in, its text and every button, and turning it into python-telegram-bot's
    objects was most of the work of reading a press."""
    query = update.get("callback_query") if isinstance(update, dict) else None
    pressed_on = query.get("message") if isinstance(query, dict) else None
    if isinstance(query, dict) and isinstance(pressed_on, dict):
        query["message"] = {key: pressed_on[key] for key in PRESSED_ON_KEPT if key in pressed_on}
    return update


class PollRequest(KeepAliveRequest):
    """The request object for getUpdates: notes the time of every successful poll (for `companion
    status`) and trims the messages buttons were pressed on (`trim_pressed_on`)."""

    def __init__(self, clock: Clock, tracker: Any, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=1, **kwargs)
        self.clock = clock
        self.tracker = tracker  # anything with a `last_success` attribute (bot.service.PollTracker)

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        if 200 <= status < 300 and url.rstrip("/").endswith("/getUpdates"):
            self.tracker.last_success = self.clock.now()
        return status, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        data = KeepAliveRequest.parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        for update in result if isinstance(result, list) else ():
            trim_pressed_on(update)
        return data


class TelegramSender:
    def __init__(self, bot: Bot, pictures: PictureRenderer | None = None) -> None:
        self.bot = bot
        self.pictures = pictures or PictureRenderer.configured()

    async def _send_text(self, message: OutboxMessage) -> None:
        """sendMessage with python-telegram-bot's request machinery and error mapping, but without building
        keyboard objects and decoding the returned Message: that halves the CPU time per message, which
        is what decides how fast a large fan-out can go (see benchmarks/README.md)."""
        arguments: dict[str, Any] = {"chat_id": message.chat_id, "text": message.text}
        if message.buttons:
            arguments["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": token} for label, token in line]
                    for line in message.buttons
                ]
            }
        # Bot API method names are case-insensitive; this spelling keeps PTB from suggesting send_message.
        await self.bot.do_api_request("sendmessage", api_kwargs=arguments)

    async def _send_picture(self, message: OutboxMessage) -> bool:
        """sendPhoto with the PNG drawn now (in a thread); False when it cannot be drawn."""
        assert message.attachment is not None
        png = await self.pictures.png(message.attachment)
        if png is None:
            return False
        await self.bot.send_photo(
            message.chat_id,
            photo=InputFile(png, filename=png_name(message.attachment)),
            caption=message.text[:CAPTION_LIMIT] or None,
            reply_markup=keyboard(message),
        )
        return True

    async def send(self, message: OutboxMessage) -> SendResult:
        try:
            if is_picture(message.attachment):
                if not await self._send_picture(message):
                    # Given up, not retried: the text version is the next message to this chat.
                    return SendResult(Result.REJECTED, error="picture")
            elif message.attachment is not None:
                caption = message.text if len(message.text) <= CAPTION_LIMIT else None
                if caption is None and message.text:
                    await self.bot.send_message(message.chat_id, message.text)
                await self.bot.send_document(
                    message.chat_id,
                    document=InputFile(message.attachment.content, filename=message.attachment.filename),
                    caption=caption,
                    reply_markup=keyboard(message),
                )
            else:
                await self._send_text(message)
        except RetryAfter as exc:
            with warnings.catch_warnings():  # PTB 22.2+ warns that this becomes a timedelta: both are handled
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                retry_after = exc.retry_after
            seconds = retry_after if isinstance(retry_after, int | float) else retry_after.total_seconds()
            return SendResult(Result.RATE_LIMITED, retry_after=float(seconds), error="429")
        except Forbidden:
            return SendResult(Result.BLOCKED, error="403")
        except BadRequest as exc:
            log.warning("Telegram refused outbox %s: %s", message.id, _reason(exc))
            return SendResult(Result.REJECTED, error="400")
        except TimedOut:
            # Telegram may have taken the message before the answer timed out: sending it again may show
            # it twice. That is the price of not losing it, and the log says so.
            log.warning("outbox %s timed out; it is sent again and may arrive twice", message.id)
            return SendResult(Result.RETRY, error="timeout")
        except NetworkError as exc:
            if _may_have_arrived(exc):
                log.warning(
                    "outbox %s lost its connection; it is sent again and may arrive twice", message.id
                )
            return SendResult(Result.RETRY, error="network")
        except TelegramError:
            return SendResult(Result.RETRY, error="telegram")
        return SendResult(Result.SENT)


def _may_have_arrived(exc: NetworkError) -> bool:
    """A connection that broke after the request went out (not one that never opened, and not an error
    answer such as 502): Telegram may have taken the message before the answer was lost. httpx's errors
    (HTTPXRequest: uploads, a proxy, tests) say so by name."""
    if isinstance(exc, AnswerLost | NotConnected):
        return isinstance(exc, AnswerLost)
    text = str(exc.message)
    return text.startswith("httpx.") and not text.startswith("httpx.ConnectError")


def _reason(exc: TelegramError) -> str:
    """Telegram's error text names a problem, not content; keep it short all the same."""
    return str(exc.message)[:80]
