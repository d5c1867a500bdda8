"""The web case view served on 127.0.0.1 (a free port) in the test's event loop, as `companion run`
serves it, and a real headless Chromium (Debian's `chromium`; no browser is ever downloaded) with axe."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from bot.http_server import serving
from bot.service import run_telegram
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.context import WebConfig
from tests.bot.conftest import TOKEN
from tests.fake_bot_api import FakeBotApi
from tests.harness import World
from tests.processes import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = os.environ.get("COMPANION_SCREENSHOTS")  # a folder: the test saves the main pages there
BLOCKING = ("serious", "critical")


@asynccontextmanager
async def served(w: World) -> AsyncIterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with serving(create_app(w.db, w.clock, WebConfig(base_url=base)), "127.0.0.1", port, frozenset()):
        yield base


Running = tuple[httpx.AsyncClient, FakeBotApi, "asyncio.Task[None]"]


@asynccontextmanager
async def running_with_web(tmp_path: Path, first: str) -> AsyncIterator[Running]:
    """`run_telegram` against the fake Bot API with the web view on a free port, as `companion run`
    starts it; yields a client, the fake API and the run's task once `first` answers (up to 30 s on a
    busy machine), and stops the run after."""
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
                for _ in range(1500):
                    with contextlib.suppress(httpx.TransportError):
                        await web.get(first)
                        break
                    await asyncio.sleep(0.02)
                yield web, server, task
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)


@asynccontextmanager
async def browser_page() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = await browser.new_context(locale="en-GB", viewport={"width": 1000, "height": 700})
            yield await context.new_page()
        finally:
            await browser.close()


async def accessible(page: Any) -> None:
    """axe-core on the page as shown: no serious or critical violation (WCAG 2.1 AA rules included)."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    assert not blocking, f"{page.url}: " + "; ".join(f"{v['id']}: {v['help']}" for v in blocking)


async def snapshot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
