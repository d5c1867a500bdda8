"""Tests for tests/fake_bot_api.py, driven by a real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from tests.fake_bot_api import BOT_API_METHODS, FakeBotApi

TOKEN = "123:TEST"
REPO_ROOT = Path(__file__).resolve().parents[1]
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# PTB 22 warns that RetryAfter.retry_after will become a timedelta; retry_seconds handles both.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class FrozenClock:
    """Rate-limit clock the test moves by hand, so limit tests never depend on wall-clock speed."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def unlimited() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN, enforce_limits=False) as server:
        yield server


def make_bot(server: FakeBotApi, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=server.base_url, base_file_url=server.base_file_url)


def retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


def http(method: str, url: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _NO_PROXY.open(request, timeout=10) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"Button {d}", callback_data=d) for d in data]])


def test_method_list_is_bot_api_10_1() -> None:
    assert len(BOT_API_METHODS) == 180
    assert {"getUpdates", "sendMessage", "answerCallbackQuery", "sendRichMessage"} <= BOT_API_METHODS


async def test_get_me_and_raw_requests(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        assert bot.username == "companion_test_bot"
        me = await bot.get_me()
        assert me.is_bot and me.id == 123 and me.can_join_groups
        assert await bot.do_api_request("sendRichMessage", {"chat_id": 1}) is True  # known, not special

    status, body = http("GET", f"{api.base_url}{TOKEN}/GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["username"] == "companion_test_bot"
    status, body = http("GET", f"{api.base_url}{TOKEN}/sendMessage?chat_id=5&text=per+GET")
    assert status == 200 and body["result"]["chat"]["id"] == 5
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}
    status, body = http(
        "POST", f"{api.base_url}{TOKEN}/sendMessage", {"chat_id": "6", "text": "JSON", "reply_markup": markup}
    )
    assert status == 200 and body["result"]["reply_markup"] == markup
    assert [(m.chat_id, m.text) for m in api.sent] == [(5, "per GET"), (6, "JSON")]
    assert api.stats.requests["getMe"] == 3


async def test_wrong_token_and_unknown_method(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(api, token="999:WRONG"):
            pass
    async with make_bot(api) as bot:
        with pytest.raises(EndPointNotFound, match="noSuchMethod"):  # PTB's name for 404 after getMe
            await bot.do_api_request("noSuchMethod")
    assert http("POST", f"{api.base_url}{TOKEN}/noSuchMethod", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert http("POST", f"{api.base_url}999:WRONG/getMe", {}) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_send_message_with_inline_keyboard(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        message = await bot.send_message(42, "Wie geht's?", reply_markup=keyboard("good", "bad"))
    assert message.chat.id == 42 and message.from_user is not None and message.from_user.is_bot
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][1].callback_data == "bad"
    [sent] = api.messages_to(42)
    assert (sent.method, sent.text, sent.message_id) == ("sendMessage", "Wie geht's?", message.message_id)
    assert sent.reply_markup is not None and "inline_keyboard" in sent.reply_markup
    assert api.last_buttons(42) == [[("Button good", "good"), ("Button bad", "bad")]]
    assert api.wait_for(lambda m: m.chat_id == 42, timeout=0.1) is sent


async def test_validation_errors_record_nothing(unlimited: FakeBotApi) -> None:
    api = unlimited
    async with make_bot(api) as bot:
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(1, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(1, "  ")
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(1, "zu lang", reply_markup=keyboard("ä" * 33))  # 33 chars, 66 bytes
        with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
            await bot.send_message(1, "Hallo.", parse_mode=ParseMode.MARKDOWN_V2)
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(1, "<b>offen", parse_mode=ParseMode.HTML)
        assert api.sent == []

        await bot.send_message(1, "x" * 4096)
        await bot.send_message(1, "ok", reply_markup=keyboard("a" * 64))
        await bot.send_message(1, "*Hallo* Welt\\!", parse_mode=ParseMode.MARKDOWN_V2)
        html_message = await bot.send_message(1, "<b>Hi</b> &amp; tschüss", parse_mode=ParseMode.HTML)
    assert html_message.text == "Hi & tschüss"
    assert [m.text for m in api.sent[2:]] == ["Hallo Welt!", "Hi & tschüss"]
    assert api.sent[2].raw_text == "*Hallo* Welt\\!"
    assert api.stats.errors[400] == 5


async def test_injected_429_is_retry_after(api: FakeBotApi) -> None:
    api.faults.fail_next("sendMessage", 429, retry_after=7)
    async with make_bot(api) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1, "a")
        assert retry_seconds(caught.value) == 7
        assert api.sent == []
        await bot.send_message(1, "b")
    assert [m.text for m in api.sent] == ["b"]
    assert api.stats.faults_injected["http_429"] == 1


async def test_blocked_user_is_forbidden(api: FakeBotApi) -> None:
    api.block(9)
    async with make_bot(api) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(9, "hallo?")
        api.unblock(9)
        await bot.send_message(9, "jetzt")
    assert [m.text for m in api.sent] == ["jetzt"]


async def test_long_poll_delivers_message_command_and_callback(api: FakeBotApi) -> None:
    loop = asyncio.get_running_loop()
    async with make_bot(api) as bot:
        loop.call_later(0.1, lambda: api.push_message(42, "Hallo", first_name="Ana", username="ana"))
        [update] = await bot.get_updates(timeout=5)
        assert update.message is not None and update.message.text == "Hallo"
        assert update.message.from_user is not None and update.message.from_user.language_code == "de"
        assert update.effective_chat is not None and update.effective_chat.type == "private"

        api.push_command(42, "/start", "abc")
        [update] = await bot.get_updates(offset=update.update_id + 1, timeout=5)
        assert update.message is not None and update.message.text == "/start abc"
        assert update.message.parse_entities(["bot_command"]) == {update.message.entities[0]: "/start"}

        sent = await bot.send_message(42, "Wähle", reply_markup=keyboard("yes", "no"))
        update_id, query_id = api.push_callback(42, "yes")
        [update] = await bot.get_updates(offset=update.update_id + 1, timeout=5)
        query = update.callback_query
        assert update.update_id == update_id and query is not None and query.id == query_id
        assert query.data == "yes" and query.message is not None
        assert query.message.message_id == sent.message_id
        assert await query.answer("Danke")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query_id)  # answered already
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query("12345")
    assert api.callback_answers == [{"callback_query_id": query_id, "text": "Danke", "show_alert": False}]


async def test_offset_confirms_and_redelivery(api: FakeBotApi) -> None:
    first = api.push_message(1, "eins")
    second = api.push_message(2, "zwei")
    async with make_bot(api) as bot:
        assert [u.update_id for u in await bot.get_updates()] == [first, second]
        assert [u.update_id for u in await bot.get_updates()] == [first, second]  # not confirmed yet
        assert await bot.get_updates(offset=second + 1) == ()
        assert api.pending_updates == 0

        raw = {"update_id": first, "message": api.message(1, 1)}
        api.push_update(raw)  # Telegram may redeliver an update
        [again] = await bot.get_updates(offset=second + 1)
        assert again.update_id == first and again.message is not None and again.message.text == "eins"

        sticker = {
            "message_id": 99,
            "date": 0,
            "chat": {"id": -100, "type": "group", "title": "G"},
            "from": {"id": 5, "is_bot": False, "first_name": "G"},
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        }
        sticker_id = api.push_update({"edited_message": sticker})
        [edited] = await bot.get_updates(offset=first + 1)
        assert edited.update_id == sticker_id and edited.edited_message is not None
        assert edited.edited_message.sticker is not None


async def test_duplicate_and_shuffled_updates(api: FakeBotApi) -> None:
    ids = [api.push_message(7, str(n)) for n in range(5)]
    api.faults.duplicate_updates = True
    async with make_bot(api) as bot:
        assert [u.update_id for u in await bot.get_updates()] == [i for i in ids for _ in range(2)]
        api.faults.duplicate_updates = False
        api.faults.shuffle_updates = True
        api.faults.random_seed = 1
        shuffled = [u.update_id for u in await bot.get_updates()]
    assert sorted(shuffled) == ids and shuffled != ids


async def test_send_document_and_photo_are_recorded_and_downloadable(api: FakeBotApi) -> None:
    content = b"Bericht\r\n\x00\xff\n"
    async with make_bot(api) as bot:
        message = await bot.send_document(
            3, document=content, filename="bericht-ä.txt", caption="Dein Bericht"
        )
        assert message.document is not None and message.document.file_name == "bericht-ä.txt"
        assert message.caption == "Dein Bericht"
        telegram_file = await bot.get_file(message.document.file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == content
        api.reset_limits()
        photo = await bot.send_photo(3, photo=PNG_2X1, caption="Bild")
        assert photo.photo and photo.photo[-1].file_size == len(PNG_2X1)
    document, picture = api.messages_to(3)
    assert (document.method, document.document_filename, document.document_bytes) == (
        "sendDocument",
        "bericht-ä.txt",
        content,
    )
    assert document.text == "Dein Bericht"
    assert (picture.method, picture.document_bytes, picture.text) == ("sendPhoto", PNG_2X1, "Bild")


def png(width: int, height: int) -> bytes:
    """The start of a PNG file as far as Telegram's size check reads it (signature and IHDR)."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + len(header).to_bytes(4, "big") + b"IHDR" + header + b"\0\0\0\0"


PNG_2X1 = png(2, 1)


@pytest.mark.parametrize(
    ("photo", "error"),
    [
        (b"not an image at all", "IMAGE_PROCESS_FAILED"),
        (png(9000, 1001), "PHOTO_INVALID_DIMENSIONS"),
        (png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),
    ],
)
async def test_a_photo_telegram_could_not_show_is_refused(api: FakeBotApi, photo: bytes, error: str) -> None:
    async with make_bot(api) as bot:
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await bot.send_photo(3, photo=photo)
    assert api.messages_to(3) == []


async def test_per_chat_limit() -> None:
    clock = FrozenClock()
    with FakeBotApi(TOKEN, clock=clock) as api:
        async with make_bot(api) as bot:
            await bot.send_message(5, "eins")
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(5, "zwei")
            assert retry_seconds(caught.value) == 1
            await bot.send_message(6, "andere Person")
            clock.now += 1.0
            await bot.send_message(5, "zwei")
        assert [m.text for m in api.messages_to(5)] == ["eins", "zwei"]
        assert api.stats.rate_limited == 1


async def test_global_limit() -> None:
    with FakeBotApi(TOKEN, clock=FrozenClock()) as api:
        async with make_bot(api) as bot:
            results = await asyncio.gather(
                *(bot.send_message(1000 + n, "Hallo") for n in range(31)), return_exceptions=True
            )
        refused = [r for r in results if isinstance(r, RetryAfter)]
        assert len(refused) == 1 and retry_seconds(refused[0]) == 1
        assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, RetryAfter)]
        assert len(api.sent) == 30 and api.stats.rate_limited == 1


async def test_limits_off(unlimited: FakeBotApi) -> None:
    async with make_bot(unlimited) as bot:
        results = await asyncio.gather(
            *(bot.send_message(1000 + n % 2, f"#{n}") for n in range(31)), return_exceptions=True
        )
    assert not [r for r in results if isinstance(r, Exception)]
    assert len(unlimited.sent) == 31 and unlimited.stats.rate_limited == 0


async def test_fault_injection(unlimited: FakeBotApi) -> None:
    api = unlimited
    api.faults.fail_next("sendMessage", 500)
    api.faults.fail_next("sendMessage", 502)
    api.faults.drop_next("sendMessage")
    api.faults.slow_next("sendMessage", 0.5)
    async with make_bot(api) as bot:
        with pytest.raises(NetworkError, match="Internal Server Error") as error_500:
            await bot.send_message(1, "500")
        with pytest.raises(NetworkError, match="Bad Gateway") as error_502:
            await bot.send_message(1, "502")
        with pytest.raises(NetworkError) as dropped:
            await bot.send_message(1, "drop")
        assert type(error_500.value) is type(error_502.value) is type(dropped.value) is NetworkError
        assert api.sent == []
        with pytest.raises(TimedOut):
            await bot.send_message(1, "slow", read_timeout=0.1)
        late = await api.async_wait_for(lambda m: m.text == "slow", timeout=2)  # accepted although timed out
        assert late.chat_id == 1

        api.faults.random_seed = 3
        api.faults.random_kinds = ("http_500",)
        api.faults.random_rate = 1.0
        with pytest.raises(NetworkError):
            await bot.send_message(1, "random")
        api.faults.clear()
        await bot.send_message(1, "wieder da")
    assert [m.text for m in api.sent] == ["slow", "wieder da"]
    assert api.stats.faults_injected == {"http_500": 2, "http_502": 1, "drop": 1, "slow": 1}


async def test_edit_and_delete(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        message = await bot.send_message(8, "Frage", reply_markup=keyboard("a"))
        edited = await bot.edit_message_text(
            "Frage (beantwortet)", 8, message.message_id, reply_markup=keyboard("b")
        )
        assert not isinstance(edited, bool) and edited.text == "Frage (beantwortet)"
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "Frage (beantwortet)", 8, message.message_id, reply_markup=keyboard("b")
            )
        assert api.last_buttons(8) == [[("Button b", "b")]]
        await bot.edit_message_reply_markup(8, message.message_id)
        assert api.last_buttons(8) == []
        assert await bot.delete_message(8, message.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(8, message.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("weg", 8, message.message_id)
    assert [m.method for m in api.messages_to(8)] == [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
    ]
    assert api.deleted == [(8, message.message_id)]


async def test_commands_webhook_and_menu_button(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        assert await bot.set_my_commands([("start", "Start"), ("hilfe", "Hilfe")], language_code="de")
        assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start", "hilfe"]
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([("Start!", "x")])
        assert await bot.set_chat_menu_button()
        assert await bot.set_webhook("https://example.invalid/hook", secret_token="geheim")
        assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
        assert api.webhook_secret_token == "geheim"
        with pytest.raises(Conflict, match="webhook is active"):
            await bot.get_updates()
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.send_chat_action(4, "typing")
    assert api.commands_for("de") == [
        {"command": "start", "description": "Start"},
        {"command": "hilfe", "description": "Hilfe"},
    ]
    assert api.chat_actions == [(4, "typing")]


def test_second_long_poll_terminates_the_first(api: FakeBotApi) -> None:
    results: list[tuple[int, Any]] = []
    first = threading.Thread(
        target=lambda: results.append(http("GET", f"{api.base_url}{TOKEN}/getUpdates?timeout=5"))
    )
    first.start()
    deadline = time.monotonic() + 5
    while api.stats.requests["getUpdates"] < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert http("GET", f"{api.base_url}{TOKEN}/getUpdates?timeout=0") == (200, {"ok": True, "result": []})
    first.join(timeout=5)
    assert results[0][0] == 409 and "terminated by other getUpdates" in results[0][1]["description"]


def test_wait_for_timeout_lists_what_was_sent(api: FakeBotApi) -> None:
    http("POST", f"{api.base_url}{TOKEN}/sendMessage", {"chat_id": 3, "text": "etwas anderes"})
    with pytest.raises(TimeoutError, match="0/1 matching") as caught:
        api.wait_for(lambda m: m.text == "gesucht", timeout=0.05)
    assert "etwas anderes" in str(caught.value)
    api.clear()
    assert api.sent == [] and api.messages_to(3) == []


async def test_main_process_with_control_endpoints() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_bot_api", "--port", "0", "--token", TOKEN],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), timeout=10)
        assert line.startswith("READY ")
        root = f"http://127.0.0.1:{int(line.split()[1])}"
        status, body = http("POST", f"{root}/_control/push_message", {"chat_id": 5, "text": "Hallo"})
        assert status == 200 and body["result"]["update_id"] == 1

        bot = Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")
        async with bot:
            [update] = await bot.get_updates(timeout=5)
            assert (
                isinstance(update, Update) and update.message is not None and update.message.text == "Hallo"
            )
            await bot.send_message(5, "Antwort", reply_markup=keyboard("ok"))
            await bot.send_document(6, document=b"PDF", filename="a.pdf")
            status, body = http("POST", f"{root}/_control/push_callback", {"chat_id": 5, "data": "ok"})
            assert status == 200 and body["result"]["callback_query_id"]
            [callback] = await bot.get_updates(offset=update.update_id + 1, timeout=5)
            assert callback.callback_query is not None and callback.callback_query.data == "ok"

            status, body = http("POST", f"{root}/_control/faults", {"random_rate": 0.0, "random_seed": 4})
            assert status == 200 and body["result"]["random_seed"] == 4
            fail = {"method": "sendMessage", "status": 500}
            http("POST", f"{root}/_control/faults", {"fail_next": fail})
            with pytest.raises(NetworkError):
                await bot.send_message(7, "kaputt")

        status, body = http("GET", f"{root}/_control/sent")
        assert status == 200
        assert [(m["chat_id"], m["text"]) for m in body["result"]] == [(5, "Antwort"), (6, None)]
        assert body["result"][1]["document_bytes"] == "UERG"  # base64 of b"PDF"
        assert http("GET", f"{root}/_control/stats")[1]["result"]["faults_injected"] == {"http_500": 1}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


async def test_a_lost_answer_takes_the_message_and_breaks_the_connection(unlimited: FakeBotApi) -> None:
    unlimited.faults.lose_answer_next("sendMessage")
    async with make_bot(unlimited) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(1, "taken")
    assert [m.text for m in unlimited.sent] == ["taken"]
    assert unlimited.stats.faults_injected["lost"] == 1
