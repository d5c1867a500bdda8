"""`companion run` serves the web case view in the same process and event loop as the bot, only when
COMPANION_WEB_LISTEN is set; wrong web settings stop the start with a message naming the variable."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest

from bot.service import run_telegram
from bot.settings import Settings, SettingsError
from tests.bot.conftest import TOKEN
from tests.fake_bot_api import FakeBotApi
from tests.web.browser import free_port


async def test_companion_run_serves_the_web_view_beside_the_bot(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotApi(token=TOKEN, username="companion_test_bot", enforce_limits=False) as server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "companion.db",
            web_listen=f"127.0.0.1:{port}",
            _env_file=None,  # type: ignore[call-arg]
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(settings, TOKEN, stop))
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
                for _ in range(1500):  # up to 30 s on a busy machine
                    with contextlib.suppress(httpx.TransportError):
                        page = await web.get("/login", headers={"Accept-Language": "en"})
                        break
                    await asyncio.sleep(0.02)
                assert page.status_code == 200 and "Sign in" in page.text
                assert page.headers["x-frame-options"] == "DENY"
                assert "server" not in page.headers
            assert server.stats.requests.get("getUpdates") or not task.done()
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)


def test_web_settings_are_checked() -> None:
    off = Settings(_env_file=None)  # type: ignore[call-arg]
    assert off.web_address() is None
    local = Settings(web_listen="127.0.0.1:8081", _env_file=None)  # type: ignore[call-arg]
    assert local.web_address() == ("127.0.0.1", 8081)
    assert local.web_public_url() == "http://localhost:8081"
    public = Settings(web_listen="127.0.0.1:8081", web_base_url="https://case.example.org/", _env_file=None)  # type: ignore[call-arg]
    assert public.web_public_url() == "https://case.example.org"
    with pytest.raises(SettingsError, match="COMPANION_WEB_LISTEN"):
        Settings(web_listen="8081", _env_file=None).web_address()  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="COMPANION_WEB_BASE_URL must start with https://"):
        Settings(
            web_listen="127.0.0.1:8081", web_base_url="http://case.example.org", _env_file=None
        ).web_public_url()  # type: ignore[call-arg]
