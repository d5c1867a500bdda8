"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests, crash tests and benchmarks.

Standard library only: a ``ThreadingHTTPServer`` in a daemon thread that speaks the Bot API wire protocol
(``/bot<token>/<method>``) closely enough for python-telegram-bot 22 to de_json every answer. It validates
like Telegram (text length, entity parsing, callback_data bytes), enforces Telegram's flood limits, records
every accepted outgoing message, lets tests inject updates, and injects faults on demand.

``python -m tests.fake_bot_api --port 0`` runs it as a separate process that prints ``READY <port>`` and
also serves JSON control endpoints under ``/_control/`` (see :meth:`FakeBotApi._control`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import contextlib
import copy
import email.parser
import email.policy
import html
import http.client
import json
import math
import random
import re
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

# method names of Bot API 10.1 (telegram-bot-api-spec, MIT)
BOT_API_METHODS: frozenset[str] = frozenset(
    {
        "addStickerToSet",
        "answerCallbackQuery",
        "answerChatJoinRequestQuery",
        "answerGuestQuery",
        "answerInlineQuery",
        "answerPreCheckoutQuery",
        "answerShippingQuery",
        "answerWebAppQuery",
        "approveChatJoinRequest",
        "approveSuggestedPost",
        "banChatMember",
        "banChatSenderChat",
        "close",
        "closeForumTopic",
        "closeGeneralForumTopic",
        "convertGiftToStars",
        "copyMessage",
        "copyMessages",
        "createChatInviteLink",
        "createChatSubscriptionInviteLink",
        "createForumTopic",
        "createInvoiceLink",
        "createNewStickerSet",
        "declineChatJoinRequest",
        "declineSuggestedPost",
        "deleteAllMessageReactions",
        "deleteBusinessMessages",
        "deleteChatPhoto",
        "deleteChatStickerSet",
        "deleteForumTopic",
        "deleteMessage",
        "deleteMessageReaction",
        "deleteMessages",
        "deleteMyCommands",
        "deleteStickerFromSet",
        "deleteStickerSet",
        "deleteStory",
        "deleteWebhook",
        "editChatInviteLink",
        "editChatSubscriptionInviteLink",
        "editForumTopic",
        "editGeneralForumTopic",
        "editMessageCaption",
        "editMessageChecklist",
        "editMessageLiveLocation",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageText",
        "editStory",
        "editUserStarSubscription",
        "exportChatInviteLink",
        "forwardMessage",
        "forwardMessages",
        "getAvailableGifts",
        "getBusinessAccountGifts",
        "getBusinessAccountStarBalance",
        "getBusinessConnection",
        "getChat",
        "getChatAdministrators",
        "getChatGifts",
        "getChatMember",
        "getChatMemberCount",
        "getChatMenuButton",
        "getCustomEmojiStickers",
        "getFile",
        "getForumTopicIconStickers",
        "getGameHighScores",
        "getManagedBotAccessSettings",
        "getManagedBotToken",
        "getMe",
        "getMyCommands",
        "getMyDefaultAdministratorRights",
        "getMyDescription",
        "getMyName",
        "getMyShortDescription",
        "getMyStarBalance",
        "getStarTransactions",
        "getStickerSet",
        "getUpdates",
        "getUserChatBoosts",
        "getUserGifts",
        "getUserPersonalChatMessages",
        "getUserProfileAudios",
        "getUserProfilePhotos",
        "getWebhookInfo",
        "giftPremiumSubscription",
        "hideGeneralForumTopic",
        "leaveChat",
        "logOut",
        "pinChatMessage",
        "postStory",
        "promoteChatMember",
        "readBusinessMessage",
        "refundStarPayment",
        "removeBusinessAccountProfilePhoto",
        "removeChatVerification",
        "removeMyProfilePhoto",
        "removeUserVerification",
        "reopenForumTopic",
        "reopenGeneralForumTopic",
        "replaceManagedBotToken",
        "replaceStickerInSet",
        "repostStory",
        "restrictChatMember",
        "revokeChatInviteLink",
        "savePreparedInlineMessage",
        "savePreparedKeyboardButton",
        "sendAnimation",
        "sendAudio",
        "sendChatAction",
        "sendChatJoinRequestWebApp",
        "sendChecklist",
        "sendContact",
        "sendDice",
        "sendDocument",
        "sendGame",
        "sendGift",
        "sendInvoice",
        "sendLivePhoto",
        "sendLocation",
        "sendMediaGroup",
        "sendMessage",
        "sendMessageDraft",
        "sendPaidMedia",
        "sendPhoto",
        "sendPoll",
        "sendRichMessage",
        "sendRichMessageDraft",
        "sendSticker",
        "sendVenue",
        "sendVideo",
        "sendVideoNote",
        "sendVoice",
        "setBusinessAccountBio",
        "setBusinessAccountGiftSettings",
        "setBusinessAccountName",
        "setBusinessAccountProfilePhoto",
        "setBusinessAccountUsername",
        "setChatAdministratorCustomTitle",
        "setChatDescription",
        "setChatMemberTag",
        "setChatMenuButton",
        "setChatPermissions",
        "setChatPhoto",
        "setChatStickerSet",
        "setChatTitle",
        "setCustomEmojiStickerSetThumbnail",
        "setGameScore",
        "setManagedBotAccessSettings",
        "setMessageReaction",
        "setMyCommands",
        "setMyDefaultAdministratorRights",
        "setMyDescription",
        "setMyName",
        "setMyProfilePhoto",
        "setMyShortDescription",
        "setPassportDataErrors",
        "setStickerEmojiList",
        "setStickerKeywords",
        "setStickerMaskPosition",
        "setStickerPositionInSet",
        "setStickerSetThumbnail",
        "setStickerSetTitle",
        "setUserEmojiStatus",
        "setWebhook",
        "stopMessageLiveLocation",
        "stopPoll",
        "transferBusinessAccountStars",
        "transferGift",
        "unbanChatMember",
        "unbanChatSenderChat",
        "unhideGeneralForumTopic",
        "unpinAllChatMessages",
        "unpinAllForumTopicMessages",
        "unpinAllGeneralForumTopicMessages",
        "unpinChatMessage",
        "upgradeGift",
        "uploadStickerFile",
        "verifyChat",
        "verifyUser",
    }
)
_METHOD_BY_LOWER: dict[str, str] = {name.lower(): name for name in BOT_API_METHODS}

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

_SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types Telegram leaves out when allowed_updates is empty.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
# Parameters that are strings in the Bot API and must never be JSON-decoded ("123", "true", "[1]" are texts).
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "data",
        "callback_query_id",
        "inline_message_id",
        "inline_query_id",
        "url",
        "secret_token",
        "parse_mode",
        "action",
        "language_code",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
        "file_id",
        "title",
        "description",
        "short_description",
        "name",
        "query",
        "emoji",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "custom_title",
        "question",
        "explanation",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "vcard",
        "game_short_name",
        "error_message",
        "shipping_query_id",
        "pre_checkout_query_id",
        "result_id",
    }
)
_JSON_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")
_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# What Telegram's nginx front end answers when the backend is down: HTML, not JSON.
_NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """A Bot API error answer (raised inside method handlers, turned into the JSON envelope)."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def _too_many_requests(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)


@dataclass
class SentMessage:
    """One accepted outgoing message (or edit) as the user would see it.

    ``text`` is the visible text after entity parsing (caption for documents/photos); ``raw_text`` is what
    the bot sent, escapes and tags included.
    """

    method: str
    chat_id: int | str
    text: str | None
    reply_markup: dict[str, Any] | None
    document_filename: str | None
    document_bytes: bytes | None
    message_id: int
    at: float
    raw_text: str | None = None
    parse_mode: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of ``(text, callback_data)``; callback_data is None for URL buttons etc."""
        return _inline_buttons(self.reply_markup)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "chat_id": self.chat_id,
            "text": self.text,
            "raw_text": self.raw_text,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "document_filename": self.document_filename,
            "document_bytes": (
                base64.b64encode(self.document_bytes).decode("ascii")
                if self.document_bytes is not None
                else None
            ),
            "message_id": self.message_id,
            "at": self.at,
        }


@dataclass
class Stats:
    """Counters, updated under the server lock."""

    requests: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    faults_injected: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "rate_limited": self.rate_limited,
            "faults_injected": dict(self.faults_injected),
            "errors": {str(status): count for status, count in self.errors.items()},
        }


@dataclass(frozen=True)
class UploadedFile:
    field_name: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class _Fault:
    kind: str  # "status" | "drop" | "slow" | "lost" (the call takes effect, its answer is lost)
    status: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    record: bool = True
    description: str | None = None

    @property
    def label(self) -> str:
        return f"http_{self.status}" if self.kind == "status" else self.kind


class Faults:
    """Thread-safe fault injection; queued faults win over random ones.

    ``random_rate`` applies to ``random_methods`` (sendMessage and sendDocument) and picks uniformly from
    ``random_kinds``: 429 (retry_after 1), 500, 502, a slow answer (``slow_seconds``, message recorded) or a
    dropped connection (message not recorded). ``"lost"`` may be added: the message is recorded, then the
    connection drops without an answer.
    """

    RANDOM_KINDS: tuple[str, ...] = ("http_429", "http_500", "http_502", "slow", "drop")

    def __init__(self, random_rate: float = 0.0, random_seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, deque[_Fault]] = {}
        self._random_seed = random_seed
        self._rng = random.Random(random_seed)
        self.random_rate = random_rate
        self.random_methods: set[str] = {"sendMessage", "sendDocument"}
        self.random_kinds: tuple[str, ...] = self.RANDOM_KINDS
        self.slow_seconds = 12.0
        self.duplicate_updates = False
        self.shuffle_updates = False

    @property
    def random_seed(self) -> int | None:
        return self._random_seed

    @random_seed.setter
    def random_seed(self, seed: int | None) -> None:
        with self._lock:
            self._random_seed = seed
            self._rng = random.Random(seed)

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` ("*" for any) with HTTP ``status``."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error code, got {status}")
        if status == 429 and retry_after is None:
            retry_after = 1
        self._queue(method, _Fault("status", status, retry_after, description=description), count)

    def drop_next(self, method: str, count: int = 1) -> None:
        """Close the connection without an answer; the call has no effect."""
        self._queue(method, _Fault("drop"), count)

    def lose_answer_next(self, method: str, count: int = 1) -> None:
        """Let the call take effect, then close the connection without an answer (Telegram took the
        message; the client sees a broken connection)."""
        self._queue(method, _Fault("lost"), count)

    def slow_next(self, method: str, seconds: float, count: int = 1, record: bool = True) -> None:
        """Delay the answer by ``seconds``.

        With ``record`` the call takes effect at once (Telegram accepting it while the client gives up);
        without it the connection is dropped after the delay and nothing happens.
        """
        self._queue(method, _Fault("slow", seconds=seconds, record=record), count)

    def clear(self) -> None:
        """Forget queued faults and switch random and update faults off."""
        with self._lock:
            self._queued.clear()
        self.random_rate = 0.0
        self.duplicate_updates = False
        self.shuffle_updates = False

    def pending(self) -> dict[str, int]:
        with self._lock:
            return {method: len(queue) for method, queue in self._queued.items() if queue}

    def to_json(self) -> dict[str, Any]:
        return {
            "random_rate": self.random_rate,
            "random_seed": self.random_seed,
            "slow_seconds": self.slow_seconds,
            "duplicate_updates": self.duplicate_updates,
            "shuffle_updates": self.shuffle_updates,
            "pending": self.pending(),
        }

    def _queue(self, method: str, fault: _Fault, count: int) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        key = method.lower()
        with self._lock:
            self._queued.setdefault(key, deque()).extend([fault] * count)

    def _take(self, method: str) -> _Fault | None:
        with self._lock:
            for key in (method.lower(), "*"):
                queue = self._queued.get(key)
                if queue:
                    return queue.popleft()
            if method not in self.random_methods or self.random_rate <= 0:
                return None
            if self._rng.random() >= self.random_rate:
                return None
            kind = self._rng.choice(self.random_kinds)
        if kind == "slow":
            return _Fault("slow", seconds=self.slow_seconds, record=True)
        if kind in ("drop", "lost"):
            return _Fault(kind)
        status = int(kind.removeprefix("http_"))
        return _Fault("status", status, 1 if status == 429 else None)

    def _shuffle(self, items: list[dict[str, Any]]) -> None:
        with self._lock:
            self._rng.shuffle(items)


@dataclass
class _PendingUpdate:
    update_id: int
    payload: dict[str, Any]
    redelivery: bool = False  # pushed again with an old id: deliver even below the confirmed offset
    delivered: bool = False


@dataclass
class _StoredMessage:
    message: dict[str, Any]
    outgoing: bool
    deleted: bool = False


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes | None
    file_path: str

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name is not None:
            document["file_name"] = self.file_name
        if self.mime_type is not None:
            document["mime_type"] = self.mime_type
        if self.data is not None:
            document["file_size"] = len(self.data)
        return document


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    drop: bool = False
    delay: float = 0.0


def _post_json(url: str, payload: dict[str, Any], headers: dict[str, str]) -> int:
    """POST `payload`; the answer's status, or 0 when there was none (refused, reset, timed out)."""
    request = urllib.request.Request(url, json.dumps(payload).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # the local bot under test
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (OSError, ValueError, http.client.HTTPException):
        return 0


def _json_reply(status: int, payload: dict[str, Any]) -> _Reply:
    return _Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _ok(result: Any) -> _Reply:
    return _json_reply(200, {"ok": True, "result": result})


def _error(exc: ApiError) -> _Reply:
    return _json_reply(exc.status, exc.envelope())


# ---------------------------------------------------------------------------------------------------------
# Request decoding


def _decode_value(name: str, value: Any) -> Any:
    """python-telegram-bot sends strings raw and everything else JSON-encoded inside the form."""
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "[") or _JSON_SCALAR.fullmatch(stripped):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    return value


def _normalise_chat_id(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return value


def _decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    params = {name: _decode_value(name, value) for name, value in raw.items()}
    for name in ("chat_id", "from_chat_id"):
        if name in params:
            params[name] = _normalise_chat_id(params[name])
    return params


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _bad_request("can't parse multipart/form-data body")
    fields: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
        else:
            # httpx (like browsers) percent-escapes only '"', CR and LF in the quoted filename.
            for escaped, char in (("%22", '"'), ("%0D", "\r"), ("%0A", "\n")):
                filename = filename.replace(escaped, char)
            files[name] = UploadedFile(name, filename, part.get_content_type(), data)
    return fields, files


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if media_type == "multipart/form-data":
        return _parse_multipart(content_type, body)
    if media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise _bad_request("JSON object expected")
        return decoded, {}
    text = body.decode("utf-8", "replace")
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True)), {}


def _param_str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _param_int(params: dict[str, Any], name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _bad_request(f'wrong parameter "{name}" specified')
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f'wrong parameter "{name}" specified') from None


def _param_bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _param_json(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {name} JSON object") from None
    return value


# ---------------------------------------------------------------------------------------------------------
# Entity parsing (enough of Telegram's parsers to compute the visible text and reject what Telegram rejects)


class _EntityParseError(Exception):
    pass


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    }
)
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_HTML_TAG_NAME = re.compile(r"/?\s*([a-zA-Z][a-zA-Z0-9-]*)")


def _parse_html(text: str) -> str:
    out: list[str] = []
    open_tags: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "<":
            end = text.find(">", index)
            if end < 0:
                raise _EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, index)}")
            inner = text[index + 1 : end]
            match = _HTML_TAG_NAME.match(inner)
            name = match.group(1).lower() if match else ""
            if inner.startswith("/"):
                if not open_tags:
                    raise _EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, index)}")
                if open_tags[-1] != name:
                    raise _EntityParseError(
                        f"Unmatched end tag at byte offset {_byte_offset(text, index)}, "
                        f'expected "</{open_tags[-1]}>", found "</{name}>"'
                    )
                open_tags.pop()
            elif name in _HTML_TAGS:
                open_tags.append(name)
            else:
                raise _EntityParseError(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, index)}'
                )
            index = end + 1
        elif char == "&" and (entity := _HTML_ENTITY.match(text, index)):
            out.append(html.unescape(entity.group(0)))
            index = entity.end()
        else:
            out.append(char)
            index += 1
    if open_tags:
        raise _EntityParseError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(out)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_ENTITY_NAMES = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler"}


def _skip_language_line(text: str, start: int) -> int:
    newline = text.find("\n", start)
    first_line = text[start:newline] if newline >= 0 else ""
    if first_line and not any(char.isspace() or char == "`" for char in first_line):
        return newline + 1
    return start


def _mdv2_span(text: str, start: int, terminator: str, entity: str, opened_at: int) -> tuple[str, int]:
    """Read a code, pre or URL span, inside which only the terminator and backslash are special."""
    out: list[str] = []
    index = start
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        elif text.startswith(terminator, index):
            return "".join(out), index + len(terminator)
        else:
            out.append(text[index])
            index += 1
    raise _EntityParseError(
        f"Can't find end of {entity} entity at byte offset {_byte_offset(text, opened_at)}"
    )


def _reserved(char: str) -> str:
    return f"Character '{char}' is reserved and must be escaped with the preceding '\\'"


def _parse_markdown_v2(text: str) -> str:
    out: list[str] = []
    open_entities: list[tuple[str, int]] = []
    expandable_quote = False
    index = 0
    while index < len(text):
        char = text[index]
        at_line_start = index == 0 or text[index - 1] == "\n"
        at_line_end = index + 2 >= len(text) or text[index + 2] == "\n"
        if char == "\\" and index + 1 < len(text) and 0 < ord(text[index + 1]) < 127:
            out.append(text[index + 1])
            index += 2
            continue
        if char == "`":
            if text.startswith("```", index):
                content, index = _mdv2_span(text, _skip_language_line(text, index + 3), "```", "Pre", index)
            else:
                content, index = _mdv2_span(text, index + 1, "`", "Code", index)
            out.append(content)
            continue
        if at_line_start and text.startswith("**>", index):
            expandable_quote = True
            index += 3
            continue
        spoiler_open = any(name == "||" for name, _ in open_entities)
        if expandable_quote and text.startswith("||", index) and at_line_end and not spoiler_open:
            expandable_quote = False  # "||" at a line end closes an expandable block quotation
            index += 2
            continue
        if at_line_start and char == ">":
            index += 1
            continue
        marker = "__" if text.startswith("__", index) else "||" if text.startswith("||", index) else char
        if marker in _MDV2_ENTITY_NAMES:
            positions = [k for k, (name, _) in enumerate(open_entities) if name == marker]
            if positions:
                del open_entities[positions[-1]]
            else:
                open_entities.append((marker, index))
            index += len(marker)
            continue
        if char == "[" or text.startswith("![", index):
            open_entities.append(("[", index))
            index += 1 if char == "[" else 2
            continue
        if char == "]":
            positions = [k for k, (name, _) in enumerate(open_entities) if name == "["]
            if not positions:
                raise _EntityParseError(_reserved(char))
            del open_entities[positions[-1]]
            index += 1
            if text.startswith("(", index):
                _, index = _mdv2_span(text, index + 1, ")", "TextUrl", index)
            continue
        if char in _MDV2_RESERVED:
            raise _EntityParseError(_reserved(char))
        out.append(char)
        index += 1
    if open_entities:
        marker, position = open_entities[0]
        name = _MDV2_ENTITY_NAMES.get(marker, "TextUrl")
        raise _EntityParseError(
            f"Can't find end of {name} entity at byte offset {_byte_offset(text, position)}"
        )
    return "".join(out)


def _parse_markdown(text: str) -> str:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "_*`[":
            out.append(text[index + 1])
            index += 2
            continue
        unclosed = _EntityParseError(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, index)}"
        )
        if text.startswith("```", index):
            end = text.find("```", index + 3)
            if end < 0:
                raise unclosed
            out.append(text[_skip_language_line(text, index + 3) : end])
            index = end + 3
        elif char in "*_`":
            end = text.find(char, index + 1)
            if end < 0:
                raise unclosed
            out.append(text[index + 1 : end])
            index = end + 1
        elif char == "[":
            close = text.find("]", index + 1)
            end = text.find(")", close + 2) if close >= 0 and text.startswith("(", close + 1) else -1
            if end < 0:
                raise unclosed
            out.append(text[index + 1 : close])
            index = end + 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram shows for ``text`` sent with ``parse_mode`` (raises ApiError 400 like Telegram)."""
    mode = (parse_mode or "").lower()
    parsers: dict[str, Callable[[str], str]] = {
        "html": _parse_html,
        "markdownv2": _parse_markdown_v2,
        "markdown": _parse_markdown,
    }
    if not mode:
        return text
    parser = parsers.get(mode)
    if parser is None:
        raise _bad_request(f"unsupported parse_mode {parse_mode}")
    try:
        return parser(text)
    except _EntityParseError as exc:
        raise _bad_request(f"can't parse entities: {exc}") from None


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0] if text.strip() else text
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


# ---------------------------------------------------------------------------------------------------------
# Reply markup


def _inline_buttons(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    if not markup or not isinstance(markup.get("inline_keyboard"), list):
        return []
    return [
        [
            (str(button.get("text", "")), button.get("callback_data"))
            for button in row
            if isinstance(button, dict)
        ]
        for row in markup["inline_keyboard"]
        if isinstance(row, list)
    ]


def _validate_reply_markup(value: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(value, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = value["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _validate_inline_button(button)
    elif "keyboard" in value:
        rows = value["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text.strip():
                    raise _bad_request("BUTTON_TEXT_INVALID")
    return value


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise _bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not text.strip():
        raise _bad_request("BUTTON_TEXT_INVALID")
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        scheme = urllib.parse.urlsplit(url).scheme.lower() if isinstance(url, str) else ""
        if scheme not in ("http", "https", "tg"):
            raise _bad_request("BUTTON_URL_INVALID")


# ---------------------------------------------------------------------------------------------------------
# HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # long polls and slow answers must not block stop()
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, api: FakeBotApi, address: tuple[str, int]) -> None:
        self.api = api
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Connection resets from clients that gave up are normal here."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.api._track_connection(self.connection, add=True)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            self.server.api._track_connection(self.connection, add=False)

    def log_message(self, *args: Any) -> None:
        """Request logging costs throughput and clutters test output."""

    def do_GET(self) -> None:
        self.server.api._serve(self)

    def do_POST(self) -> None:
        self.server.api._serve(self)


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


# ---------------------------------------------------------------------------------------------------------
# The server


class FakeBotApi:
    """Fake Bot API server. Use ``with FakeBotApi() as api:`` or ``async with``; point
    ``telegram.Bot(token, base_url=api.base_url, base_file_url=api.base_file_url)`` at it.

    Flood limits (all adjustable later as attributes): at most ``global_rate`` accepted sends in any
    1-second window, ``per_chat_burst`` per chat in any ``per_chat_interval`` seconds and ``group_per_minute``
    per group/channel in any 60 seconds (None: off); ``enforce_limits=False`` switches them all off.
    ``clock`` feeds the limiter and ``SentMessage.at`` so limit tests can freeze time. ``control`` enables the
    ``/_control/`` endpoints (always on in ``__main__`` mode).
    """

    def __init__(
        self,
        token: str = "123:TEST",
        username: str = "companion_test_bot",
        *,
        first_name: str = "Companion Test Bot",
        global_rate: int = 30,
        per_chat_interval: float = 1.0,
        per_chat_burst: int = 1,
        group_per_minute: int | None = 20,
        enforce_limits: bool = True,
        port: int = 0,
        control: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.username = username
        bot_id = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id) if bot_id.isdigit() else 123,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.global_rate = global_rate
        self.per_chat_interval = per_chat_interval
        self.per_chat_burst = per_chat_burst
        self.group_per_minute = group_per_minute
        self.enforce_limits = enforce_limits
        self.control = control
        self.faults = Faults()
        self.stats = Stats()
        self.sent: list[SentMessage] = []
        self.blocked: set[int | str] = set()
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[tuple[int | str, str]] = []
        self.deleted: list[tuple[int | str, int]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | str | None, dict[str, Any]] = {}
        self.webhook_url = ""
        self.webhook_secret_token: str | None = None
        self.webhook_answers: Counter[int] = Counter()  # status of every webhook post (0: no answer)
        self.internal_errors: list[str] = []

        self._requested_port = port
        self._clock = clock
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stop_event = threading.Event()
        self._stopping = False
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._clear_generation = 0

        self._pending: list[_PendingUpdate] = []
        self._next_update_id = 1
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int | str, deque[float]] = {}
        self._group_windows: dict[int | str, deque[float]] = {}
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._messages: dict[tuple[int | str, int], _StoredMessage] = {}
        self._outgoing_by_chat: dict[int | str, list[int]] = {}
        self._next_message_id: dict[int | str, int] = {}
        self._callback_queries: dict[str, bool] = {}  # id -> answered
        self._next_callback_id = 4_382_016_000_000_000_001
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._handlers: dict[str, Callable[[dict[str, Any], dict[str, UploadedFile]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "getChat": self._get_chat,
            "getFile": self._get_file,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        if self._httpd is not None or self._stopping:
            raise RuntimeError("FakeBotApi can be started once")
        self._httpd = _HTTPServer(self, ("127.0.0.1", self._requested_port))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stop_event.set()
        httpd.shutdown()
        httpd.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:  # idle keep-alive handlers would otherwise linger
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> FakeBotApi:
        return self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeBotApi is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def __repr__(self) -> str:
        where = f"port={self.port}" if self._httpd is not None else "stopped"
        return f"<FakeBotApi {where} sent={len(self.sent)} pending_updates={len(self._pending)}>"

    # -- inspection ----------------------------------------------------------------------------------------

    def messages_to(self, chat_id: int | str, method: str | None = None) -> list[SentMessage]:
        """Recorded messages (and edits) to ``chat_id``, optionally of one method, oldest first."""
        chat_id = _normalise_chat_id(chat_id)
        with self._lock:
            return [m for m in self.sent if m.chat_id == chat_id and (method is None or m.method == method)]

    def last_buttons(self, chat_id: int | str) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard of the newest undeleted bot message in the chat that currently has one."""
        chat_id = _normalise_chat_id(chat_id)
        with self._lock:
            for message_id in reversed(self._outgoing_by_chat.get(chat_id, [])):
                stored = self._messages[(chat_id, message_id)]
                buttons = _inline_buttons(stored.message.get("reply_markup"))
                if buttons and not stored.deleted:
                    return buttons
        return []

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """Current state of a message as Telegram would return it (None if unknown)."""
        with self._lock:
            stored = self._messages.get((_normalise_chat_id(chat_id), message_id))
            return copy.deepcopy(stored.message) if stored and not stored.deleted else None

    def wait_for(
        self, predicate: Callable[[SentMessage], bool], timeout: float = 5.0, *, start: int = 0
    ) -> SentMessage:
        """Block until a recorded message from index ``start`` on satisfies ``predicate``."""
        return self.wait_for_count(1, predicate, timeout, start=start)[0]

    def wait_for_count(
        self,
        count: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        start: int = 0,
    ) -> list[SentMessage]:
        """Block until ``count`` recorded messages satisfy ``predicate``; scans each message only once."""
        deadline = time.monotonic() + timeout
        matches: list[SentMessage] = []
        with self._cond:
            position, generation = start, self._clear_generation
            while True:
                if generation != self._clear_generation:
                    position, generation = 0, self._clear_generation
                while position < len(self.sent):
                    candidate = self.sent[position]
                    position += 1
                    if predicate is None or predicate(candidate):
                        matches.append(candidate)
                        if len(matches) >= count:
                            return matches
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_summary(count, len(matches), timeout))
                self._cond.wait(remaining)

    async def async_wait_for(
        self, predicate: Callable[[SentMessage], bool], timeout: float = 5.0, *, start: int = 0
    ) -> SentMessage:
        return await asyncio.to_thread(self.wait_for, predicate, timeout, start=start)

    async def async_wait_for_count(
        self,
        count: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,
        *,
        start: int = 0,
    ) -> list[SentMessage]:
        return await asyncio.to_thread(self.wait_for_count, count, predicate, timeout, start=start)

    def clear(self) -> None:
        """Forget recorded messages (not updates, rate-limit windows or stats)."""
        with self._cond:
            self.sent.clear()
            self._clear_generation += 1
            self._cond.notify_all()

    def reset_limits(self) -> None:
        """Forget the flood-limit windows, e.g. between phases of a test."""
        with self._lock:
            self._global_window.clear()
            self._chat_windows.clear()
            self._group_windows.clear()

    def block(self, chat_id: int | str) -> None:
        with self._lock:
            self.blocked.add(_normalise_chat_id(chat_id))

    def unblock(self, chat_id: int | str) -> None:
        with self._lock:
            self.blocked.discard(_normalise_chat_id(chat_id))

    def commands_for(self, language_code: str = "", scope_type: str = "default") -> list[dict[str, Any]]:
        with self._lock:
            return list(self.commands.get((scope_type, language_code), []))

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending)

    def _timeout_summary(self, wanted: int, found: int, timeout: float) -> str:
        with self._lock:
            lines = [
                f"  #{index} {m.method} chat={m.chat_id} id={m.message_id} text={(m.text or '')[:80]!r}"
                f"{' buttons=' + repr(m.buttons) if m.buttons else ''}"
                for index, m in enumerate(self.sent)
            ][-15:]
            return (
                f"{found}/{wanted} matching message(s) within {timeout}s; {len(self.sent)} recorded"
                + (" (last 15 below)" if len(self.sent) > 15 else "")
                + ("\n" + "\n".join(lines) if lines else "")
            )

    # -- updates -------------------------------------------------------------------------------------------

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "de",
        chat_type: str = "private",
        update_id: int | None = None,
        chat_title: str | None = None,
    ) -> int:
        """Simulate a user writing ``text``; commands get their bot_command entity. Returns the update_id."""
        with self._cond:
            user = self._make_user(chat_id, user_id, first_name, last_name, username, language_code)
            chat = self._make_chat(chat_id, chat_type, user, chat_title)
            message: dict[str, Any] = {
                "message_id": self._new_message_id(chat_id),
                "date": int(time.time()),
                "chat": chat,
            }
            if chat_type == "channel":
                message["sender_chat"] = chat
            else:
                message["from"] = user
            message["text"] = text
            entities = _command_entities(text)
            if entities:
                message["entities"] = entities
            self._messages[(chat_id, message["message_id"])] = _StoredMessage(message, outgoing=False)
            key = "channel_post" if chat_type == "channel" else "message"
            return self._enqueue({key: message}, update_id)

    def push_command(self, chat_id: int, command: str, args: str | None = None, **kwargs: Any) -> int:
        """``push_command(42, "/start", "abc")`` pushes "/start abc"."""
        text = command if command.startswith("/") else f"/{command}"
        return self.push_message(chat_id, f"{text} {args}" if args else text, **kwargs)

    def push_callback(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int | None = None,
        user_id: int | None = None,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "de",
        update_id: int | None = None,
    ) -> tuple[int, str]:
        """Simulate a button press. Without ``message_id`` the newest bot message in the chat whose keyboard
        has ``data`` is used (else the newest bot message). Returns ``(update_id, callback_query_id)``.
        """
        with self._cond:
            user = self._make_user(chat_id, user_id, first_name, last_name, username, language_code)
            message = self._callback_message(chat_id, data, message_id, user)
            query_id = str(self._next_callback_id)
            self._next_callback_id += 1
            self._callback_queries[query_id] = False
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(zlib.crc32(str(chat_id).encode()) * 1_000_003),
                "data": data,
            }
            return self._enqueue({"callback_query": query}, update_id), query_id

    def push_update(self, update: dict[str, Any]) -> int:
        """Push any update shape; an ``update_id`` that was used before is delivered again (redelivery)."""
        payload = json.loads(json.dumps(update))
        update_id = payload.pop("update_id", None)
        with self._cond:
            for value in payload.values():
                if isinstance(value, dict):
                    self._remember_incoming(value)
            return self._enqueue(payload, update_id)

    def add_file(
        self, data: bytes, file_name: str = "file.bin", mime_type: str = "application/octet-stream"
    ) -> dict[str, Any]:
        """Register a file users "sent" so getFile and downloads work; returns a Document object."""
        with self._lock:
            return self._store_file(data, file_name, mime_type, "documents").as_document()

    def _make_user(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> dict[str, Any]:
        if user_id is None:
            user_id = chat_id if chat_id > 0 else 424_242  # private chat id == user id
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _make_chat(
        self, chat_id: int, chat_type: str, user: dict[str, Any], title: str | None
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.update({k: user[k] for k in ("first_name", "last_name", "username") if k in user})
        else:
            chat["title"] = title or ("Test Channel" if chat_type == "channel" else "Test Group")
        self._chats[chat_id] = chat
        return chat

    def _chat_for(self, chat_id: int | str) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is not None:
            return chat
        if isinstance(chat_id, str):
            synthetic = -1_000_000_000_000 - zlib.crc32(chat_id.encode())
            return {"id": synthetic, "type": "channel", "title": chat_id, "username": chat_id.lstrip("@")}
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": chat_type, "title": "Test Group"}

    def _remember_incoming(self, message: dict[str, Any]) -> None:
        chat = message.get("chat")
        message_id = message.get("message_id")
        if (
            not isinstance(chat, dict)
            or not isinstance(chat.get("id"), int)
            or not isinstance(message_id, int)
        ):
            return
        chat_id: int = chat["id"]
        self._chats.setdefault(chat_id, chat)
        self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 1), message_id + 1)
        self._messages.setdefault((chat_id, message_id), _StoredMessage(message, outgoing=False))

    def _new_message_id(self, chat_id: int | str) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _callback_message(
        self, chat_id: int, data: str, message_id: int | None, user: dict[str, Any]
    ) -> dict[str, Any]:
        if message_id is None:
            candidates = [
                self._messages[(chat_id, mid)] for mid in reversed(self._outgoing_by_chat.get(chat_id, []))
            ]
            candidates = [stored for stored in candidates if not stored.deleted]
            with_data = [
                stored
                for stored in candidates
                if any(
                    button[1] == data
                    for row in _inline_buttons(stored.message.get("reply_markup"))
                    for button in row
                )
            ]
            chosen = (with_data or candidates)[0] if with_data or candidates else None
        else:
            chosen = self._messages.get((chat_id, message_id))
        if chosen is not None:
            return copy.deepcopy(chosen.message)
        if chat_id not in self._chats:
            self._make_chat(chat_id, "private" if chat_id > 0 else "group", user, None)
        return {
            "message_id": message_id if message_id is not None else self._new_message_id(chat_id),
            "from": self.bot_user,
            "chat": self._chat_for(chat_id),
            "date": int(time.time()),
            "text": "",
        }

    def _enqueue(self, payload: dict[str, Any], update_id: int | None) -> int:
        redelivery = False
        if update_id is None:
            update_id = self._next_update_id
        else:
            redelivery = update_id < self._next_update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        entry = _PendingUpdate(update_id, {"update_id": update_id, **payload}, redelivery=redelivery)
        bisect.insort(self._pending, entry, key=lambda pending: pending.update_id)
        self._cond.notify_all()
        return update_id

    # -- HTTP entry point ----------------------------------------------------------------------------------

    def _track_connection(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _serve(self, handler: _Handler) -> None:
        try:
            reply = self._route(handler)
        except ApiError as exc:
            reply = _error(exc)
        except Exception as exc:  # a bug in the fake must surface as a 500, not a hung client
            self.internal_errors.append(f"{handler.command} {handler.path}: {exc!r}")
            reply = _error(ApiError(500, f"Internal Server Error: {exc!r}"))
        self._write(handler, reply)

    def _route(self, handler: _Handler) -> _Reply:
        split = urllib.parse.urlsplit(handler.path)
        body = _read_body(handler)
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        path = urllib.parse.unquote(split.path)
        if path.startswith("/_control/") and self.control:
            fields, _ = _parse_body(handler.headers.get("Content-Type", ""), body)
            return self._control(path.removeprefix("/_control/"), {**query, **fields})
        if path.startswith("/file/bot"):
            return self._download(path.removeprefix("/file/bot"))
        if not path.startswith("/bot"):
            return _error(ApiError(404, "Not Found"))
        token, _, method = path.removeprefix("/bot").partition("/")
        fields, files = _parse_body(handler.headers.get("Content-Type", ""), body)
        return self._api_call(token, method.strip("/"), {**query, **fields}, files)

    def _write(self, handler: _Handler, reply: _Reply) -> None:
        if reply.delay > 0:
            self._stop_event.wait(reply.delay)
        handler.close_connection = handler.close_connection or reply.drop
        try:
            if reply.drop:
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:  # the client gave up (timeout, killed process)
            handler.close_connection = True

    def _api_call(
        self, token: str, method: str, raw_params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> _Reply:
        if token != self.token:
            return self._count_error(ApiError(401, "Unauthorized"))
        canonical = _METHOD_BY_LOWER.get(method.lower())
        with self._lock:
            self.stats.requests[canonical or method] += 1
        if canonical is None:
            return self._count_error(ApiError(404, "Not Found"))
        fault = self.faults._take(canonical)
        if fault is not None:
            with self._lock:
                self.stats.faults_injected[fault.label] += 1
            if fault.kind == "drop":
                return _Reply(drop=True)
            if fault.kind == "slow" and not fault.record:
                return _Reply(drop=True, delay=fault.seconds)
            if fault.kind == "status":
                return self._fault_reply(fault)
        params = _decode_params(raw_params)
        handler = self._handlers.get(canonical)
        try:
            with self._cond:
                result = handler(params, files) if handler is not None else True
                self._cond.notify_all()
            reply = _ok(result)
        except ApiError as exc:
            reply = self._count_error(exc)
        if fault is not None and fault.kind == "slow":
            reply.delay = fault.seconds
        if fault is not None and fault.kind == "lost":
            reply.drop = True
        return reply

    def _count_error(self, exc: ApiError) -> _Reply:
        with self._lock:
            self.stats.errors[exc.status] += 1
        return _error(exc)

    def _fault_reply(self, fault: _Fault) -> _Reply:
        with self._lock:
            self.stats.errors[fault.status] += 1
        if fault.status == 502 and fault.description is None:
            return _Reply(502, _NGINX_502, "text/html")
        if fault.status == 429:
            retry_after = fault.retry_after or 1
            description = fault.description or f"Too Many Requests: retry after {retry_after}"
            return _error(ApiError(429, description, retry_after))
        description = fault.description or _DEFAULT_DESCRIPTIONS.get(fault.status, f"Error {fault.status}")
        return _error(ApiError(fault.status, description))

    def _download(self, rest: str) -> _Reply:
        token, _, file_path = rest.partition("/")
        with self._lock:
            stored = self._files_by_path.get(file_path) if token == self.token else None
        if stored is None or stored.data is None:
            return _error(ApiError(404, "Not Found"))
        return _Reply(200, stored.data, stored.mime_type or "application/octet-stream")

    # -- control endpoints (``python -m tests.fake_bot_api``) ----------------------------------------------

    def _control(self, name: str, params: dict[str, Any]) -> _Reply:
        """JSON endpoints for tests in another process: ``push_message``, ``push_command``, ``push_callback``,
        ``push_update``, ``sent`` (``?since=N&chat_id=X``), ``faults``, ``block``, ``unblock``, ``clear``,
        ``reset_limits``, ``stats``. Answers use the Bot API envelope.
        """
        params = _decode_params(params)
        user_fields = ("user_id", "first_name", "last_name", "username", "language_code", "update_id")
        try:
            if name == "push_message":
                extra = {k: params[k] for k in (*user_fields, "chat_type", "chat_title") if k in params}
                return _ok({"update_id": self.push_message(params["chat_id"], str(params["text"]), **extra)})
            if name == "push_command":
                extra = {k: params[k] for k in (*user_fields, "chat_type", "chat_title") if k in params}
                args = _param_str(params, "args")
                update_id = self.push_command(params["chat_id"], str(params["command"]), args, **extra)
                return _ok({"update_id": update_id})
            if name == "push_callback":
                extra = {k: params[k] for k in (*user_fields, "message_id") if k in params}
                update_id, query_id = self.push_callback(params["chat_id"], str(params["data"]), **extra)
                return _ok({"update_id": update_id, "callback_query_id": query_id})
            if name == "push_update":
                update = params.get("update", params)
                return _ok({"update_id": self.push_update(update)})
            if name == "sent":
                since = _param_int(params, "since") or 0
                chat_id = params.get("chat_id")
                with self._lock:
                    records = [
                        m.to_json() for m in self.sent[since:] if chat_id is None or m.chat_id == chat_id
                    ]
                return _ok(records)
            if name == "faults":
                return _ok(self._configure_faults(params))
            if name in ("block", "unblock"):
                (self.block if name == "block" else self.unblock)(params["chat_id"])
                return _ok(True)
            if name == "clear":
                self.clear()
                return _ok(True)
            if name == "reset_limits":
                self.reset_limits()
                return _ok(True)
            if name == "stats":
                with self._lock:
                    return _ok(
                        {
                            **self.stats.to_json(),
                            "sent": len(self.sent),
                            "pending_updates": len(self._pending),
                            "webhook_answers": {str(k): n for k, n in self.webhook_answers.items()},
                        }
                    )
        except KeyError as exc:
            raise _bad_request(f"missing parameter {exc}") from None
        except TypeError as exc:
            raise _bad_request(str(exc)) from None
        return _error(ApiError(404, "Not Found"))

    def _configure_faults(self, params: dict[str, Any]) -> dict[str, Any]:
        faults = self.faults
        if "random_seed" in params:
            faults.random_seed = _param_int(params, "random_seed")
        if "random_rate" in params:
            faults.random_rate = float(params["random_rate"])
        if "slow_seconds" in params:
            faults.slow_seconds = float(params["slow_seconds"])
        for flag in ("duplicate_updates", "shuffle_updates"):
            if flag in params:
                setattr(faults, flag, _param_bool(params, flag))
        if "enforce_limits" in params:
            self.enforce_limits = _param_bool(params, "enforce_limits")
        if _param_bool(params, "clear"):
            faults.clear()
        for spec in _as_list(params.get("fail_next")):
            faults.fail_next(
                spec["method"],
                int(spec["status"]),
                retry_after=spec.get("retry_after"),
                count=int(spec.get("count", 1)),
                description=spec.get("description"),
            )
        for spec in _as_list(params.get("drop_next")):
            faults.drop_next(spec["method"], int(spec.get("count", 1)))
        for spec in _as_list(params.get("slow_next")):
            faults.slow_next(
                spec["method"],
                float(spec["seconds"]),
                int(spec.get("count", 1)),
                bool(spec.get("record", True)),
            )
        return {**faults.to_json(), "enforce_limits": self.enforce_limits}

    # -- flood limits --------------------------------------------------------------------------------------

    def _check_limits(self, chat_id: int | str, now: float) -> None:
        if not self.enforce_limits:
            return
        wait = 0.0
        window = self._global_window
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.global_rate:
            wait = window[0] + 1.0 - now
        chat_window = self._chat_windows.get(chat_id)
        if chat_window is not None:
            while chat_window and chat_window[0] <= now - self.per_chat_interval:
                chat_window.popleft()
            if len(chat_window) >= self.per_chat_burst:
                wait = max(wait, chat_window[0] + self.per_chat_interval - now)
        group_window = self._group_windows.get(chat_id)
        if group_window is not None and self.group_per_minute is not None:
            while group_window and group_window[0] <= now - 60.0:
                group_window.popleft()
            if len(group_window) >= self.group_per_minute:
                wait = max(wait, group_window[0] + 60.0 - now)
        if wait > 0:
            self.stats.rate_limited += 1
            raise _too_many_requests(wait)

    def _note_accepted(self, chat_id: int | str, now: float) -> None:
        self._global_window.append(now)
        self._chat_windows.setdefault(chat_id, deque()).append(now)
        if isinstance(chat_id, str) or chat_id < 0:
            self._group_windows.setdefault(chat_id, deque()).append(now)

    # -- method handlers (called with the lock held) -------------------------------------------------------

    def _require_chat(self, params: dict[str, Any], *, for_sending: bool = True) -> int | str:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if not isinstance(chat_id, int | str) or isinstance(chat_id, bool):
            raise _bad_request("chat not found")
        if isinstance(chat_id, str) and not chat_id.startswith("@"):
            raise _bad_request("chat not found")
        if for_sending and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _visible(
        self, params: dict[str, Any], name: str, limit: int, too_long: str
    ) -> tuple[str | None, str]:
        raw = _param_str(params, name)
        if raw is None:
            return None, ""
        mode = (
            None if "entities" in params or "caption_entities" in params else _param_str(params, "parse_mode")
        )
        shown = visible_text(raw, mode).strip()
        if len(shown) > limit:
            raise _bad_request(too_long)
        return raw, shown

    def _accept(
        self,
        method: str,
        chat_id: int | str,
        params: dict[str, Any],
        content: dict[str, Any],
        *,
        text: str | None,
        raw_text: str | None,
        markup: dict[str, Any] | None,
        document: _StoredFile | None = None,
    ) -> dict[str, Any]:
        """Apply flood limits, store and record an outgoing message; returns the Message object."""
        now = self._clock()
        self._check_limits(chat_id, now)
        self._note_accepted(chat_id, now)
        chat = self._chat_for(chat_id)
        message_id = self._new_message_id(chat_id)
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if chat.get("type") == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self.bot_user
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message_id)] = _StoredMessage(message, outgoing=True)
        self._outgoing_by_chat.setdefault(chat_id, []).append(message_id)
        self.sent.append(
            SentMessage(
                method=method,
                chat_id=chat_id,
                text=text,
                reply_markup=markup,
                document_filename=document.file_name if document else None,
                document_bytes=document.data if document else None,
                message_id=message_id,
                at=now,
                raw_text=raw_text,
                parse_mode=_param_str(params, "parse_mode"),
                params=params,
            )
        )
        return message

    def _get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _param_int(params, "offset") or 0
        limit = min(max(_param_int(params, "limit") or 100, 1), 100)
        timeout = max(_param_int(params, "timeout") or 0, 0)
        allowed = _param_json(params, "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # an older long poll answers 409 like Telegram
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if self._stopping:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
            batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                break
            self._cond.wait(remaining)
        for entry in batch:
            entry.delivered = True
        updates = [entry.payload for entry in batch]
        if self.faults.duplicate_updates:
            updates = [update for update in updates for _ in range(2)]
        if self.faults.shuffle_updates:
            self.faults._shuffle(updates)
        return updates

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [
                entry
                for entry in self._pending
                if entry.update_id >= offset or (entry.redelivery and not entry.delivered)
            ]

    def _deliverable(self, limit: int) -> list[_PendingUpdate]:
        allowed = set(self._allowed_updates)
        batch: list[_PendingUpdate] = []
        dropped: list[_PendingUpdate] = []
        for entry in self._pending:
            kinds = set(entry.payload) - {"update_id"}
            if (allowed and not kinds & allowed) or (not allowed and kinds and kinds <= _OPT_IN_UPDATES):
                dropped.append(entry)
                continue
            batch.append(entry)
            if len(batch) >= limit:
                break
        if dropped:
            self._pending = [entry for entry in self._pending if entry not in dropped]
        return batch

    def _set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        url = _param_str(params, "url") or ""
        if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret_token = _param_str(params, "secret_token")
        allowed = _param_json(params, "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        if _param_bool(params, "drop_pending_updates"):
            self._pending.clear()
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.webhook_url = ""
        self.webhook_secret_token = None
        if _param_bool(params, "drop_pending_updates"):
            self._pending.clear()
        return True

    def deliver_webhooks(self, target: str) -> None:
        """Post waiting updates to the registered webhook, one at a time, as Telegram does. `target`
        (``http://127.0.0.1:PORT``) stands in for the scheme and host of the registered address, like the
        reverse proxy in front of the bot. An update leaves the queue only when the bot answers 2xx; an
        error status, a refused or broken connection means it is posted again after a short pause."""
        thread = threading.Thread(
            target=self._deliver_webhooks, args=(target.rstrip("/"),), name="fake-webhook", daemon=True
        )
        thread.start()

    def _deliver_webhooks(self, target: str) -> None:
        while not self._stop_event.is_set():
            with self._cond:
                entry = self._pending[0] if self.webhook_url and self._pending else None
                if entry is None:
                    self._cond.wait(0.1)
                    continue
                url = target + urllib.parse.urlsplit(self.webhook_url).path
                headers = {"Content-Type": "application/json"}
                if self.webhook_secret_token:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret_token
            status = _post_json(url, entry.payload, headers)
            with self._cond:
                self.webhook_answers[status] += 1
                if 200 <= status < 300:
                    with contextlib.suppress(ValueError):
                        self._pending.remove(entry)
                    continue
            self._stop_event.wait(0.2)

    def _get_webhook_info(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = 40
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = _param_json(params, "scope")
        scope_type = "default"
        if isinstance(scope, dict):
            scope_type = str(scope.get("type", "default"))
            if "chat_id" in scope:
                scope_type += f":{_normalise_chat_id(scope['chat_id'])}"
                if "user_id" in scope:
                    scope_type += f":{scope['user_id']}"
        return scope_type, _param_str(params, "language_code") or ""

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = _param_json(params, "commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("too much commands")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self.commands.pop(key, None)
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        button = _param_json(params, "menu_button")
        if button is not None and not (isinstance(button, dict) and isinstance(button.get("type"), str)):
            raise _bad_request("can't parse menu button JSON object")
        self.menu_buttons[params.get("chat_id")] = button or {"type": "default"}
        return True

    def _get_chat_menu_button(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = params.get("chat_id")
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}

    def _get_chat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._require_chat(params, for_sending=False)
        if chat_id not in self._chats and chat_id not in self._next_message_id:
            raise _bad_request("chat not found")
        gift_types = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **self._chat_for(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gift_types, True), "gifts_from_channels": False},
        }

    def _get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        stored = self._files.get(_param_str(params, "file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        result = {
            k: v for k, v in stored.as_document().items() if k in ("file_id", "file_unique_id", "file_size")
        }
        return {**result, "file_path": stored.file_path}

    def _send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._require_chat(params)
        raw, shown = self._visible(params, "text", MAX_TEXT_LENGTH, "message is too long")
        if not shown:
            raise _bad_request("message text is empty")
        markup = _validate_reply_markup(params.get("reply_markup"))
        return self._accept(
            "sendMessage", chat_id, params, {"text": shown}, text=shown, raw_text=raw, markup=markup
        )

    def _editable(self, params: dict[str, Any]) -> tuple[int | str, _StoredMessage]:
        chat_id = self._require_chat(params)
        message_id = _param_int(params, "message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.deleted:
            raise _bad_request("message to edit not found")
        if not stored.outgoing:
            raise _bad_request("message can't be edited")
        return chat_id, stored

    def _record_edit(
        self,
        method: str,
        chat_id: int | str,
        stored: _StoredMessage,
        params: dict[str, Any],
        raw_text: str | None,
        markup: dict[str, Any] | None,
    ) -> dict[str, Any]:
        message = stored.message
        message["edit_date"] = int(time.time())
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self.sent.append(
            SentMessage(
                method=method,
                chat_id=chat_id,
                text=message.get("text", message.get("caption")),
                reply_markup=markup,
                document_filename=None,
                document_bytes=None,
                message_id=message["message_id"],
                at=self._clock(),
                raw_text=raw_text,
                parse_mode=_param_str(params, "parse_mode"),
                params=params,
            )
        )
        return copy.deepcopy(message)

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if params.get("inline_message_id"):
            self._visible(params, "text", MAX_TEXT_LENGTH, "MESSAGE_TOO_LONG")
            return True
        chat_id, stored = self._editable(params)
        raw, shown = self._visible(params, "text", MAX_TEXT_LENGTH, "MESSAGE_TOO_LONG")
        if not shown:
            raise _bad_request("message text is empty")
        if "text" not in stored.message:
            raise _bad_request("there is no text in the message to edit")
        markup = _validate_reply_markup(params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if stored.message["text"] == shown and stored.message.get("reply_markup") == inline:
            raise _bad_request(_NOT_MODIFIED)
        stored.message["text"] = shown
        return self._record_edit("editMessageText", chat_id, stored, params, raw, markup)

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if params.get("inline_message_id"):
            _validate_reply_markup(params.get("reply_markup"))
            return True
        chat_id, stored = self._editable(params)
        markup = _validate_reply_markup(params.get("reply_markup"))
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        if stored.message.get("reply_markup") == inline:
            raise _bad_request(_NOT_MODIFIED)
        return self._record_edit("editMessageReplyMarkup", chat_id, stored, params, None, markup)

    def _delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._require_chat(params)
        message_id = _param_int(params, "message_id")
        stored = self._messages.get((chat_id, message_id or 0))
        if stored is None or stored.deleted or message_id is None:
            raise _bad_request("message to delete not found")
        stored.deleted = True
        self.deleted.append((chat_id, message_id))
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        query_id = _param_str(params, "callback_query_id") or ""
        if self._callback_queries.get(query_id, True):
            raise _bad_request(_QUERY_TOO_OLD)
        text = _param_str(params, "text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._callback_queries[query_id] = True
        self.callback_answers.append(
            {"callback_query_id": query_id, "text": text, "show_alert": _param_bool(params, "show_alert")}
        )
        return True

    def _store_file(
        self, data: bytes | None, file_name: str | None, mime_type: str | None, folder: str
    ) -> _StoredFile:
        number = len(self._files) + 1
        file_unique_id = f"AgAD{number:06d}"
        file_id = f"BQACAgIAAxkBAAI{number:08d}{zlib.crc32(data or b''):08x}"
        suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        stored = _StoredFile(
            file_id, file_unique_id, file_name, mime_type, data, f"{folder}/file_{number}.{suffix}"
        )
        self._files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _input_file(self, params: dict[str, Any], files: dict[str, UploadedFile], name: str) -> _StoredFile:
        folder = "photos" if name == "photo" else "documents"
        upload = files.get(name)
        if upload is not None:
            if not upload.data:
                raise _bad_request("file must be non-empty")
            return self._store_file(upload.data, upload.filename, upload.content_type, folder)
        reference = _param_str(params, name)
        if not reference:
            raise _bad_request(f"there is no {name} in the request")
        if reference.startswith("attach://"):
            raise _bad_request(f"there is no {name} in the request")
        known = self._files.get(reference)
        if known is not None:
            return known
        if urllib.parse.urlsplit(reference).scheme in ("http", "https"):
            file_name = urllib.parse.urlsplit(reference).path.rsplit("/", 1)[-1] or None
            return self._store_file(None, file_name, None, folder)
        raise _bad_request("wrong file identifier/HTTP URL specified")

    def _send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._send_file("sendDocument", "document", params, files)

    def _send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._send_file("sendPhoto", "photo", params, files)

    def _send_file(
        self, method: str, name: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat_id = self._require_chat(params)
        stored = self._input_file(params, files, name)
        raw, shown = self._visible(params, "caption", MAX_CAPTION_LENGTH, "message caption is too long")
        markup = _validate_reply_markup(params.get("reply_markup"))
        content: dict[str, Any] = {}
        if name == "photo":
            size = len(stored.data) if stored.data is not None else None
            if stored.data is not None:
                _check_photo(stored.data)
            content["photo"] = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    **({"file_size": size} if size is not None else {}),
                }
                for w, h in ((90, 90), (320, 320), (800, 800))
            ]
        else:
            content["document"] = stored.as_document()
        if shown:
            content["caption"] = shown
        return self._accept(
            method, chat_id, params, content, text=shown or None, raw_text=raw, markup=markup, document=stored
        )

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._require_chat(params)
        action = _param_str(params, "action") or ""
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self.chat_actions.append((chat_id, action))
        return True


MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _check_photo(data: bytes) -> None:
    """Telegram's rules for an uploaded photo (Bot API, sendPhoto): at most 10 MB, width and height
    together at most 10000, their ratio at most 20. PNG sizes are read from the IHDR chunk; a JPEG is
    taken as it is; anything else is not an image Telegram can process."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _bad_request("PHOTO_INVALID_DIMENSIONS")
    if data.startswith(b"\xff\xd8\xff"):
        return
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        raise _bad_request("IMAGE_PROCESS_FAILED")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if not width or not height or width + height > 10000 or max(width, height) / min(width, height) > 20:
        raise _bad_request("PHOTO_INVALID_DIMENSIONS")


def _as_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    raise _bad_request("fault specification must be an object or a list of objects")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_bot_api", description="Fake Telegram Bot API server"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123:TEST")
    parser.add_argument("--username", default="companion_test_bot")
    parser.add_argument("--global-rate", type=int, default=30)
    parser.add_argument("--per-chat-interval", type=float, default=1.0)
    parser.add_argument("--no-limits", action="store_true", help="do not enforce flood limits")
    parser.add_argument("--random-rate", type=float, default=0.0)
    parser.add_argument("--random-seed", type=int, default=None)
    parser.add_argument(
        "--webhook-target", default=None, help="post updates to this http://host:port once a webhook is set"
    )
    args = parser.parse_args(argv)
    api = FakeBotApi(
        args.token,
        args.username,
        global_rate=args.global_rate,
        per_chat_interval=args.per_chat_interval,
        enforce_limits=not args.no_limits,
        port=args.port,
        control=True,
    )
    api.faults.random_seed = args.random_seed
    api.faults.random_rate = args.random_rate
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    api.start()
    if args.webhook_target:
        api.deliver_webhooks(args.webhook_target)
    print(f"READY {api.port}", flush=True)
    try:
        stop.wait()
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
