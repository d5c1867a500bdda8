"""The web case view in a real headless Chromium: set-up link, sign-in with password and TOTP, the
cases and a case, refusals, an idle session, a removed coach, another organisation; axe on every page."""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest

from bot.commands.coaches import remove_coach
from bot.settings import Settings
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import Chat, World
from tests.web.browser import CHROMIUM, accessible, browser_page, served, snapshot
from tests.web.helpers import PASSWORD, setup_token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"),
]


async def set_up_in_browser(w: World, page: Any, base: str, coach_id: int) -> str:
    await page.goto(f"{base}/setup/{await setup_token(w, coach_id)}")
    await accessible(page)
    await snapshot(page, "setup")
    secret = (await page.locator("code").inner_text()).strip()
    await page.get_by_label("New password").fill(PASSWORD)
    await page.get_by_label("The same password again").fill(PASSWORD)
    await page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).at(w.clock.now()))
    await page.get_by_role("button", name="Finish set-up").click()
    await page.get_by_role("heading", name="Access set up").wait_for()
    await accessible(page)
    return secret


async def sign_in_in_browser(w: World, page: Any, base: str, coach_id: int, secret: str) -> None:
    w.clock.advance(timedelta(seconds=30))  # a code works once: the next step's
    await page.goto(f"{base}/login")
    await accessible(page)
    await snapshot(page, "login")
    await page.get_by_label("Coach number").fill(str(coach_id))
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).at(w.clock.now()))
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_role("heading", name="Team inbox").wait_for()


async def test_setup_sign_in_inbox_take_close_and_a_case(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    await participant.send("/sos")
    await participant.tap("Please contact me")
    coach_id = await w.coach_id(coach)
    async with served(w) as base, browser_page() as page:
        secret = await set_up_in_browser(w, page, base, coach_id)
        await sign_in_in_browser(w, page, base, coach_id, secret)
        await page.get_by_role("heading", name=f"{pseudonym}: Asked to be contacted").wait_for()
        await accessible(page)
        await snapshot(page, "inbox")
        await page.get_by_role("button", name=f"Take {pseudonym}").click()
        await page.get_by_text("In progress: Anna Beispiel").wait_for()
        await accessible(page)
        await page.get_by_label("Contacted").check()
        await page.get_by_label("Follow-up day (optional)").fill("2026-12-01")
        await page.get_by_role("button", name="Close", exact=True).click()
        await page.get_by_text("The item is closed.").wait_for()
        assert pseudonym not in await page.locator("main").inner_text()
        await page.get_by_role("link", name="Your cases").click()
        await page.get_by_role("heading", name="Your cases").wait_for()
        await accessible(page)
        await snapshot(page, "cases")
        await page.get_by_role("link", name=pseudonym).click()
        await page.get_by_role("heading", name=f"Participant {pseudonym}").wait_for()
        await accessible(page)
        await snapshot(page, "case")
        await page.get_by_role("link", name="Deutsch").click()
        assert await page.locator("html").get_attribute("lang") == "de"
        await page.locator("form.logout button").click()  # in German now ("Abmelden")
        await page.get_by_role("heading", name=re.compile("abgemeldet|signed out")).wait_for()
        await accessible(page)
        await page.goto(f"{base}/cases")
        assert page.url.endswith("/login")


async def test_a_form_without_its_csrf_token_is_refused(w: World, coach: Chat) -> None:
    async with served(w) as base, browser_page() as page:
        await page.goto(f"{base}/login")
        await page.locator("input[name=csrf_token]").evaluate("e => e.remove()")
        await page.get_by_label("Coach number").fill("1")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_label("6-digit code").fill("123456")
        async with page.expect_response(lambda r: r.request.method == "POST") as answer:
            await page.get_by_role("button", name="Sign in").click()
        assert (await answer.value).status == 403
        await page.get_by_role("heading", name="This form was not accepted").wait_for()
        await accessible(page)


async def test_an_idle_session_ends_and_a_removed_coach_is_signed_out(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with served(w) as base, browser_page() as page:
        secret = await set_up_in_browser(w, page, base, coach_id)
        await sign_in_in_browser(w, page, base, coach_id, secret)
        w.clock.advance(timedelta(minutes=31))
        await page.reload()
        await page.get_by_role("heading", name="Sign in").wait_for()
        await sign_in_in_browser(w, page, base, coach_id, secret)
        settings = Settings(database=w.path, _env_file=None)  # type: ignore[call-arg]
        removed = await asyncio.to_thread(
            remove_coach, settings, argparse.Namespace(coach_id=coach_id, hand_over_to=None)
        )
        assert removed == 0
        await page.reload()
        await page.get_by_role("heading", name="Sign in").wait_for()


async def test_a_coach_of_another_organisation_sees_nothing_of_a_case(w: World, coach: Chat) -> None:
    participant = await join(w, coach, 1001)
    pseudonym = await known_as(w, coach, participant)
    other = await w.coach("Suchthilfe Nord", "Olaf Anders", chat_id=9202)
    other_id = await w.coach_id(other)
    async with served(w) as base, browser_page() as page:
        secret = await set_up_in_browser(w, page, base, other_id)
        await sign_in_in_browser(w, page, base, other_id, secret)
        assert pseudonym not in await page.content()
        answer = await page.goto(f"{base}/cases/{pseudonym}")
        assert answer is not None and answer.status == 404
        await page.get_by_role("heading", name="No case to show").wait_for()
        await accessible(page)


async def test_security_headers_reach_the_browser(w: World) -> None:
    async with served(w) as base, browser_page() as page:
        answer = await page.goto(f"{base}/login")
        assert answer is not None
        headers = await answer.all_headers()
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        await accessible(page)
