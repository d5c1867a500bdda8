"""The web case view served on 127.0.0.1 (a free port) in the test's event loop, as `companion run`
serves it, and a real headless Chromium (Debian's `chromium`; no browser is ever downloaded) with axe."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.web.app import create_app
from bot.web.context import WebConfig
from bot.web.server import serving
from tests.harness import World

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = os.environ.get("COMPANION_SCREENSHOTS")  # a folder: the test saves the main pages there
BLOCKING = ("serious", "critical")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(w: World) -> AsyncIterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with serving(create_app(w.db, w.clock, WebConfig(base_url=base)), "127.0.0.1", port, frozenset()):
        yield base


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
