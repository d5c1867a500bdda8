"""A real `companion run` stack (python-telegram-bot, SQLite, outbox) against the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.service import run_telegram
from bot.settings import Settings
from dialogs.core.clock import SystemClock
from storage import coaches, invitations, organisations
from storage.database import Database
from tests.fake_bot_api import FakeBotApi, SentMessage

TOKEN = "123456:TEST-TOKEN"


@dataclass
class RunningBot:
    server: FakeBotApi
    settings: Settings

    async def invitation(self) -> str:
        """An invitation from a coach (who has no chat here), as coaches invite people."""
        now = SystemClock().now()
        async with await Database.open(self.settings.database) as db, db.transaction() as tx:
            organisation = await organisations.find(
                tx, "Jobcenter Musterstadt"
            ) or await organisations.create(
                tx, name="Jobcenter Musterstadt", region=None, webhook_url=None, now=now
            )
            coach = await coaches.create(
                tx,
                organisation_id=organisation.id,
                name="Anna",
                locale="de",
                timezone="Europe/Berlin",
                now=now,
            )
            await tx.execute("UPDATE coaches SET status = 'active' WHERE id = ?", (coach.coach.id,))
            created = await invitations.create_for_coach(tx, now, timedelta(days=14), coach.coach.id)
            return created.code

    async def say(self, chat_id: int, text: str, **user: object) -> None:
        self.server.push_message(chat_id, text, **user)  # type: ignore[arg-type]

    async def expect(self, chat_id: int, contains: str, timeout: float = 10.0) -> SentMessage:
        return await self.server.async_wait_for(
            lambda m: m.chat_id == chat_id and contains in (m.text or ""), timeout=timeout
        )

    async def read_introduction(self, chat_id: int) -> None:
        """Read the consent's introduction in English, page by page (each page has a "Next ▶" button)."""
        for page in ("It changes nothing about your", "What I store", "Telegram is a separate company"):
            await self.expect(chat_id, page)
            await self.tap(chat_id, "Next ▶")

    async def tap(self, chat_id: int, label: str, **user: object) -> None:
        for line in self.server.last_buttons(chat_id):
            for text, data in line:
                if label in text and data is not None:
                    self.server.push_callback(chat_id, data, **user)  # type: ignore[arg-type]
                    return
        raise AssertionError(f"no button {label!r} in {self.server.last_buttons(chat_id)}")


@pytest.fixture
async def running_bot(tmp_path: Path) -> AsyncIterator[RunningBot]:
    with FakeBotApi(token=TOKEN, username="companion_test_bot", enforce_limits=False) as server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "companion.db",
            per_chat_interval=0,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(settings, TOKEN, stop))
        for _ in range(1500):  # up to 30 s on a busy machine
            if server.stats.requests.get("getUpdates"):
                break
            await asyncio.sleep(0.02)
        try:
            yield RunningBot(server, settings)
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)
