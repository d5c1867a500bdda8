"""The case page's forms in a real headless Chromium with axe: a coach proposes an appointment and the team
sees the answer; the assigned coach hands the case over; escalation after the working time (moved clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage import coaches, inbox
from storage.inbox import TeamSettings
from tests.dialogs.coach_helpers import join, known_as
from tests.harness import World
from tests.web.browser import CHROMIUM, accessible, browser_page, served, snapshot
from tests.web.test_browser import set_up_in_browser, sign_in_in_browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)"),
]


async def test_propose_an_appointment_and_hand_the_case_over_in_the_browser(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    carl = await w.coach(name="Carl Kollege", chat_id=9102)
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    anna_id = await w.coach_id(anna)
    async with served(w) as base, browser_page() as page:
        secret = await set_up_in_browser(w, page, base, anna_id)
        await sign_in_in_browser(w, page, base, anna_id, secret)
        await page.goto(f"{base}/cases/{pseudonym}")
        await (
            page.get_by_role("heading", name="Propose an appointment")
            .or_(page.get_by_text("Propose an appointment", exact=True))
            .first.wait_for()
        )
        await accessible(page)
        await page.get_by_label("Kind").select_option("doctor")
        await page.get_by_label("Day").fill("2026-12-03")
        await page.get_by_label("Time (the participant's time zone)").fill("10:30")
        await page.get_by_role("button", name="Propose", exact=True).click()
        await page.get_by_text("The appointment is proposed.").wait_for()
        await page.get_by_text("waiting for an answer").wait_for()
        await accessible(page)
        await w.sweep()
        await participant.receive()
        await participant.tap("Yes, confirm it")
        await page.reload()
        await page.get_by_text("confirmed", exact=True).wait_for()
        await accessible(page)
        await snapshot(page, "case-proposal")
        await page.get_by_label("To a colleague").select_option(label="Carl Kollege")
        await page.get_by_role("button", name="Hand over", exact=True).click()
        await page.get_by_text("The case is handed over.").wait_for()
        await accessible(page)
        await page.get_by_role("link", name="Team inbox").click()
        await page.get_by_role("heading", name="Team inbox").wait_for()
        await accessible(page)
        await snapshot(page, "inbox-proposals")
    assert any("has handed" in m.text for m in await carl.receive())


async def test_an_untaken_request_escalates_in_the_browser_after_the_working_time(w: World) -> None:
    anna = await w.coach(name="Anna Beispiel")
    participant = await join(w, anna, 1001)
    pseudonym = await known_as(w, anna, participant)
    anna_id = await w.coach_id(anna)
    async with w.db.transaction() as tx:
        staff = await coaches.by_id(tx, anna_id)
        assert staff is not None
        await inbox.set_settings(tx, staff.organisation_id, TeamSettings(60))
    w.clock.set(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 15:30 in Berlin
    await participant.send("/sos")
    await participant.tap("Please contact me")
    async with served(w) as base, browser_page() as page:
        secret = await set_up_in_browser(w, page, base, anna_id)
        await sign_in_in_browser(w, page, base, anna_id, secret)
        await page.get_by_role("heading", name=f"{pseudonym}: Asked to be contacted").wait_for()
        assert await page.locator("li.item.escalated").count() == 0
        w.clock.set(datetime(2026, 11, 24, 7, 31, tzinfo=UTC))  # Tuesday 08:31: 61 working minutes later
        await w.sweep()
        await sign_in_in_browser(w, page, base, anna_id, secret)  # the night ended the session
        await page.get_by_text("Escalated: nobody took it in time.").wait_for()
        assert await page.locator("li.item.escalated").count() == 1
        await accessible(page)
