"""A real `companion run` (python-telegram-bot, SQLite, outbox) against the fake Bot API, with the operator's
endpoints on their own listener and every log line also written as JSON."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.ops.json_logs import JsonFormatter
from bot.service import run_telegram
from bot.settings import Settings
from tests.bot.conftest import TOKEN, RunningBot
from tests.fake_bot_api import FakeBotApi
from tests.processes import free_port


class Records(logging.Handler):
    """Every record, as it was logged (to show what the JSON lines leave out)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of a `companion` command (tests.bot.test_cli.companion) with its own database."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    clean.update(
        {
            "COMPANION_DATABASE": str(tmp_path / "companion.db"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
    )
    return clean


@dataclass
class OpsBot(RunningBot):
    ops: httpx.AsyncClient
    json_lines: io.StringIO
    records: Records


@pytest.fixture
async def ops_bot(tmp_path: Path) -> AsyncIterator[OpsBot]:
    port = free_port()
    lines = io.StringIO()
    shipped = logging.StreamHandler(lines)
    shipped.setFormatter(JsonFormatter())
    shipped.setLevel(logging.INFO)
    records = Records()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(shipped)
    root.addHandler(records)
    with FakeBotApi(token=TOKEN, username="companion_test_bot", enforce_limits=False) as server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "companion.db",
            per_chat_interval=0,
            ops_listen=f"127.0.0.1:{port}",
            _env_file=None,  # type: ignore[call-arg]
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(settings, TOKEN, stop))
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as ops:
                for _ in range(1500):  # up to 30 s on a busy machine
                    if server.stats.requests.get("getUpdates"):
                        break
                    await asyncio.sleep(0.02)
                yield OpsBot(server, settings, ops, lines, records)
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)
            root.removeHandler(shipped)
            root.removeHandler(records)
            root.setLevel(level)
