"""The report page of the web case view: the coach's own organisation only, the same self-contained HTML
as `companion report`, a CSV download, every report audited."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.report.history import Writer
from bot.web.context import WebConfig
from tests.harness import Chat, World
from tests.web.helpers import BASE, client, set_up, sign_in

# English pages (the shared helpers look for English words on the set-up page).
ENGLISH = WebConfig(base_url=BASE, default_locale="en")


async def seed(w: World, coach_id: int) -> None:
    """Six invitations of the coach's organisation and seven of another one, this month."""
    async with w.db.transaction() as tx:
        write = Writer(tx)
        other = await write.organisation("Suchthilfe Nord", None, w.clock.now())
        other_coach = await write.coach(other, w.clock.now())
        for n in range(6):
            await write.invitation(w.clock.now() - timedelta(hours=n), coach_id)
        for n in range(7):
            await write.invitation(w.clock.now() - timedelta(hours=n), other_coach)


async def test_the_report_shows_only_the_coachs_organisation_and_is_audited(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    await seed(w, coach_id)
    async with client(w) as stranger:
        assert (await stranger.get("/report")).status_code == 303  # not signed in: to the login
    async with client(w, ENGLISH) as web:
        await sign_in(w, web, coach_id, await set_up(w, web, coach_id))
        form = await web.get("/report?lang=en")
        page = await web.get("/report?from=2026-10&to=2026-11&format=html&lang=en")
        table = await web.get("/report?from=2026-11&to=2026-11&format=csv&lang=en")
        wrong = await web.get("/report?from=2026-12&to=2026-11&format=html&lang=en")
    assert form.status_code == 200 and 'value="2026-06"' in form.text and 'value="2026-11"' in form.text
    assert page.status_code == 200 and "Jobcenter Musterstadt" in page.text and "Suchthilfe" not in page.text
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "script" not in page.headers["content-security-policy"] and "<script" not in page.text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", page.text)
    assert page.text.count("<svg") == 2
    assert table.headers["content-type"].startswith("text/csv")
    assert "attachment" in table.headers["content-disposition"]
    offered = next(line for line in table.text.splitlines() if line.startswith("offered,"))
    assert offered.endswith(",6,6")  # the coach's 6, not the other organisation's 7, nor 13
    assert wrong.status_code == 400 and "at most 36 months apart" in wrong.text
    async with w.db.read() as tx:
        rows = await tx.all("SELECT action, coach_id, detail FROM audit_log WHERE action = 'report_read'")
    assert [(r[0], r[1]) for r in rows] == [("report_read", coach_id)] * 2
    assert '"format": "csv"' in rows[1][2] or '"format":"csv"' in rows[1][2]
