"""`companion run` serves the web case view in the same process and event loop as the bot, only when
COMPANION_WEB_LISTEN is set; wrong web settings stop the start with a message naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from tests.web.browser import running_with_web


async def test_companion_run_serves_the_web_view_beside_the_bot(tmp_path: Path) -> None:
    async with running_with_web(tmp_path, "/login") as (web, server, task):
        page = await web.get("/login", headers={"Accept-Language": "en"})
        assert page.status_code == 200 and "Sign in" in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert "server" not in page.headers
        assert server.stats.requests.get("getUpdates") or not task.done()


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
