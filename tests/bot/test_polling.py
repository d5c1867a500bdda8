"""Updates are confirmed to Telegram only after they were handled: a crash loses no button press."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.polling import poll_updates
from bot.telegram_transport import PollRequest, event_from_update, is_crisis_update, trim_pressed_on
from dialogs.core.clock import SystemClock
from tests.bot.test_update_shapes_property import updates
from tests.fake_bot_api import FakeBotApi

TOKEN = "123:POLL"

MakeBot = Callable[[FakeBotApi], Bot]


@pytest.fixture(params=["service", "library"])
def polling_bot(request: pytest.FixtureRequest) -> MakeBot:
    """A bot polling as the service polls (its own request object for getUpdates), or with
    python-telegram-bot's defaults."""

    def make(server: FakeBotApi) -> Bot:
        if request.param == "library":
            return Bot(TOKEN, base_url=server.base_url)
        polls = PollRequest(SystemClock(), SimpleNamespace(last_success=None))
        return Bot(TOKEN, base_url=server.base_url, get_updates_request=polls)

    return make


async def test_an_update_fetched_but_not_handled_is_delivered_again_after_a_crash(
    polling_bot: MakeBot,
) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        first, second, third = (server.push_message(7, text) for text in ("one", "two", "three"))
        async with polling_bot(server) as bot:
            handled: list[int] = []
            crash = asyncio.Event()

            async def handle_then_die(update: Update) -> bool:
                handled.append(update.update_id)
                crash.set()  # the process dies right after handling the first of the batch
                raise asyncio.CancelledError

            task = asyncio.create_task(poll_updates(bot, handle_then_die, asyncio.Event(), hold=1))
            await crash.wait()
            await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert handled == [first]

            # Restarted: the second and third come again (the first too; the engine ignores it by its id).
            again: list[int] = []
            stop = asyncio.Event()

            async def handle(update: Update) -> bool:
                again.append(update.update_id)
                if update.update_id == third:
                    stop.set()
                return True

            await asyncio.wait_for(poll_updates(bot, handle, stop, hold=1), timeout=20)
            assert second in again and third in again
            assert server.pending_updates == 3  # nothing is confirmed until the next poll asks past it


async def test_a_handler_error_does_not_stop_polling_or_repeat_the_update_forever(
    polling_bot: MakeBot,
) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        bad, good = server.push_message(8, "bad"), server.push_message(8, "good")
        async with polling_bot(server) as bot:
            seen: list[int] = []
            stop = asyncio.Event()

            async def handle(update: Update) -> bool:
                seen.append(update.update_id)
                if update.update_id == bad:
                    raise RuntimeError("a broken handler")
                stop.set()
                return True

            await asyncio.wait_for(poll_updates(bot, handle, stop, hold=1), timeout=20)
            assert seen == [bad, good]


async def test_an_update_the_library_cannot_read_is_skipped_and_the_rest_answered(
    caplog: pytest.LogCaptureFixture, polling_bot: MakeBot
) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        before = server.push_message(9, "before")
        broken = server.push_update({"message": {"message_id": 1, "date": "not a time", "chat": {"id": 9}}})
        after = server.push_message(9, "after")
        async with polling_bot(server) as bot:
            seen: list[int] = []
            stop = asyncio.Event()

            async def handle(update: Update) -> bool:
                seen.append(update.update_id)
                if update.update_id == after:
                    stop.set()
                return True

            await asyncio.wait_for(poll_updates(bot, handle, stop, hold=1), timeout=20)
        assert seen == [before, after]
        assert f"update {broken} cannot be read" in caplog.text


async def test_only_the_updates_the_bot_answers_are_asked_for(polling_bot: MakeBot) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        server.push_update({"poll_answer": {"poll_id": "1", "option_ids": [0]}})
        wanted = server.push_message(10, "hello")
        async with polling_bot(server) as bot:
            seen: list[int] = []
            stop = asyncio.Event()

            async def handle(update: Update) -> bool:
                seen.append(update.update_id)
                stop.set()
                return True

            await asyncio.wait_for(poll_updates(bot, handle, stop, hold=1), timeout=20)
        assert seen == [wanted]


async def test_crisis_input_in_a_batch_is_handled_before_the_rest_of_the_batch(polling_bot: MakeBot) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        for n in range(40):
            server.push_command(66, "start", f"junk{n}")
        sos = server.push_command(9, "sos")
        words = server.push_message(10, "ich will nicht mehr leben")
        button, _ = server.push_callback(11, "sos")
        last = server.push_message(12, "hello")
        async with polling_bot(server) as bot:
            order: list[int] = []
            stop = asyncio.Event()

            async def handle(update: Update) -> None:
                order.append(update.update_id)
                if len(order) == 44:
                    stop.set()

            await asyncio.wait_for(
                poll_updates(bot, handle, stop, hold=1, first=is_crisis_update), timeout=20
            )
            assert order[:3] == [sos, words, button]
            assert order[-1] == last and len(order) == 44


async def test_a_press_is_read_without_the_menu_it_was_pressed_on() -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        buttons = [[InlineKeyboardButton(str(n), callback_data=f"m:{n}")] for n in range(10)]
        menu = InlineKeyboardMarkup(buttons)
        polls = PollRequest(SystemClock(), SimpleNamespace(last_success=None))
        async with Bot(TOKEN, base_url=server.base_url, get_updates_request=polls) as bot:
            sent = await bot.send_message(13, "The menu", reply_markup=menu)
            pressed, _ = server.push_callback(13, "m:7", language_code="en")
            (update,) = await bot.get_updates(timeout=0)
        assert update.update_id == pressed and polls.tracker.last_success is not None
        query = update.callback_query
        assert query is not None and query.message is not None
        assert (query.message.message_id, query.message.chat.id) == (sent.message_id, 13)
        assert query.message.reply_markup is None and getattr(query.message, "text", None) is None
        event = event_from_update(update)
        assert event is not None and (event.chat_id, event.token, event.language_hint) == (13, "m:7", "en")


@given(update=updates())
def test_trimming_the_pressed_on_message_changes_no_event(update: dict[str, Any]) -> None:
    bot = Bot("123456:TEST-TOKEN")  # only a context for de_json
    try:
        whole = Update.de_json(copy.deepcopy(update), bot)
    except Exception:
        return  # what the library cannot read whole is skipped and logged by polling
    trimmed = Update.de_json(trim_pressed_on(copy.deepcopy(update)), bot)
    assert event_from_update(trimmed) == event_from_update(whole)
    assert is_crisis_update(trimmed) == is_crisis_update(whole)
