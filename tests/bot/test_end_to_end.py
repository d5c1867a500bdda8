"""The whole stack over HTTP: python-telegram-bot polling the fake Bot API, SQLite, the outbox."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.service import run_telegram
from bot.settings import Settings
from storage import due, participants, schedules
from storage.database import Database
from tests.bot.conftest import TOKEN, RunningBot
from tests.fake_bot_api import FakeBotApi

CHAT = 424242


async def test_invitation_language_consent_mydata_and_delete(running_bot: RunningBot) -> None:
    """Names, texts and logs are searched for sentinels in tests/bot/test_sentinels_whole_system.py."""
    bot = running_bot
    code = await bot.invitation()
    await bot.say(CHAT, f"/start {code}", language_code="en")
    language = await bot.expect(CHAT, "Please choose your language.")
    assert language.buttons and language.buttons[0][0][0] == "✓ English"
    await bot.tap(CHAT, "English")
    await bot.read_introduction(CHAT)
    await bot.expect(CHAT, "May I send you check-ins")
    await bot.tap(CHAT, "Yes, I agree")
    await bot.expect(CHAT, "May I store your answers")
    await bot.tap(CHAT, "Yes")
    await bot.expect(CHAT, "The signals could be:")
    await bot.tap(CHAT, "No")
    welcome = await bot.expect(CHAT, "Welcome! Your pseudonym is P-")
    pseudonym = (welcome.text or "").split("pseudonym is ")[1][:6]

    await bot.say(CHAT, "/mydata")
    document = await bot.server.async_wait_for(
        lambda m: m.chat_id == CHAT and m.document_filename is not None
    )
    assert document.document_filename == f"mydata-{pseudonym}.json"
    assert document.document_bytes is not None
    exported = json.loads(document.document_bytes)
    assert exported["pseudonym"] == pseudonym
    scopes = [c["scope"] for c in exported["tables"]["consents"]]
    assert scopes == ["checkins", "selfreports", "link", "sharing"]

    await bot.say(CHAT, "/delete")
    await bot.expect(CHAT, "Do you want me to delete everything about you?")
    await bot.tap(CHAT, "Yes, delete everything")
    await bot.expect(CHAT, "Everything about you is deleted.")
    assert bot.server.callback_answers, "button presses are acknowledged so the client stops its spinner"


async def test_a_stranger_and_a_forged_button_get_kind_answers(running_bot: RunningBot) -> None:
    bot = running_bot
    await bot.say(CHAT + 1, "/start", language_code="de")
    await bot.expect(CHAT + 1, "Einladungs-Link")
    bot.server.push_callback(CHAT + 1, "forged-data", language_code="de")
    await bot.expect(CHAT + 1, "Diese Frage ist schon abgeschlossen.")


async def test_the_command_menu_is_published_in_every_language(running_bot: RunningBot) -> None:
    bot = running_bot
    await bot.say(CHAT + 2, "/help", language_code="en")
    await bot.expect(CHAT + 2, "invitation link")
    german = bot.server.commands_for("de")
    assert {c["command"] for c in german} >= {"privacy", "stop", "mydata", "delete", "language", "help"}
    assert any(c["description"].startswith("Alles über Sie löschen") for c in german)


async def test_webhook_mode_refuses_posts_without_telegrams_secret(
    tmp_path: Path, free_tcp_port: int
) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "c.db",
            per_chat_interval=0,
            webhook_url="https://bot.example.org/telegram",
            webhook_port=free_tcp_port,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(settings, TOKEN, stop, webhook=True))
        try:
            # The bot calls setWebhook only once its listener is bound: from then on Telegram (and this
            # test) may post. Up to 30 s on a busy machine.
            for _ in range(1500):
                if server.webhook_url:
                    break
                await asyncio.sleep(0.02)
            assert server.webhook_url == "https://bot.example.org/telegram"
            secret = server.webhook_secret_token
            assert secret
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": "/start",
                    "chat": {"id": 77, "type": "private"},
                    "from": {"id": 77, "is_bot": False, "first_name": "X", "language_code": "en"},
                },
            }
            url = f"http://127.0.0.1:{free_tcp_port}/telegram"
            async with httpx.AsyncClient() as client:
                refused = await client.post(url, json=update)
                forged = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                accepted = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                )
            assert refused.status_code == 403 and forged.status_code == 403
            assert accepted.status_code == 200
            reply = await server.async_wait_for(lambda m: m.chat_id == 77, timeout=10)
            assert "invitation link" in (reply.text or "")
            assert len(server.messages_to(77)) == 1  # the refused posts did nothing
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)


async def test_a_check_in_prompt_arrives_and_its_buttons_answer(running_bot: RunningBot) -> None:
    """Set up a morning time through Telegram; a due row for now reaches the chat with lasting buttons."""
    bot = running_bot
    chat = CHAT + 3
    await bot.say(chat, f"/start {await bot.invitation()}", language_code="en")
    await bot.expect(chat, "Please choose your language.")
    await bot.tap(chat, "English")
    await bot.read_introduction(chat)
    await bot.expect(chat, "May I send you check-ins")
    await bot.tap(chat, "Yes, I agree")
    await bot.expect(chat, "May I store your answers")
    await bot.tap(chat, "No")
    await bot.expect(chat, "The signals could be:")
    await bot.tap(chat, "No")
    await bot.expect(chat, "Would you like a short check-in every morning?")
    await bot.say(chat, "08:00")
    await bot.expect(chat, "And in the evening?")
    await bot.tap(chat, "No evening check-in")
    await bot.expect(chat, "What would you like to do?")
    async with await Database.open(bot.settings.database) as db, db.transaction() as tx:
        person = await participants.by_chat(tx, chat)
        assert person is not None
        now = datetime.now(UTC)
        local_day = now.astimezone(ZoneInfo("Europe/Berlin")).date()
        await due.replace(
            tx,
            participant_id=person.id,
            kind="checkin",
            key=f"checkin:morning:{local_day}",
            due_at=now,
            now=now,
            payload={"slot": "morning", "day": str(local_day)},
        )
        await schedules.update(tx, person.id, now, quiet_start=time(0), quiet_end=time(0))
    prompt = await bot.expect(chat, "What is on today?")
    assert [label for label, _ in prompt.buttons[-1]] == ["Skip today"]
    await bot.tap(chat, "🛋 Rest")
    await bot.server.async_wait_for(
        lambda m: m.chat_id == chat and any("✓ 🛋 Rest" in label for row in m.buttons for label, _ in row)
    )
    await bot.tap(chat, "Done")
    await bot.expect(chat, "Thank you! I wish you a good day.")
