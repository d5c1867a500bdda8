"""`/healthz`, `/readyz` and `/metrics` of a real `companion run`, after a short run with known chat ids and
pseudonyms: the figures count what happened, and neither a chat id nor a pseudonym appears anywhere in
them (nor in the JSON log lines)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.endpoints import beside, ops_app
from bot.ops.metrics import Metrics
from bot.ops.readiness import Readiness
from storage import outbox
from storage.times import to_db
from tests.dialogs.enrolment_helpers import enrol as join
from tests.harness import World
from tests.ops.conftest import OpsBot
from tests.web.browser import running_with_web

PARTICIPANT = 918273645
STRANGER = 918273646
CRISIS = 918273647


async def enrol(bot: OpsBot, chat_id: int) -> str:
    code = await bot.invitation()
    await bot.say(chat_id, f"/start {code}", language_code="en")
    await bot.expect(chat_id, "Please choose your language.")
    await bot.tap(chat_id, "English")
    await bot.read_introduction(chat_id)
    await bot.expect(chat_id, "May I send you check-ins")
    await bot.tap(chat_id, "Yes, I agree")
    await bot.expect(chat_id, "May I store your answers")
    await bot.tap(chat_id, "Yes")
    await bot.expect(chat_id, "The signals could be")  # the question's second message carries its buttons
    await bot.tap(chat_id, "No")
    welcome = await bot.expect(chat_id, "Welcome! Your pseudonym is P-")
    return (welcome.text or "").split("pseudonym is ")[1][:6]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_a_short_run_is_counted_without_a_chat_id_or_pseudonym(ops_bot: OpsBot) -> None:
    bot = ops_bot
    assert (await bot.ops.get("/healthz")).text == "ok\n"
    pseudonym = await enrol(bot, PARTICIPANT)
    await bot.say(STRANGER, "/help", language_code="en")
    await bot.expect(STRANGER, "invitation link")
    await bot.say(CRISIS, "/sos", language_code="en")
    await bot.expect(CRISIS, "112")
    await bot.say(PARTICIPANT, "/sos", language_code="en")
    await bot.expect(PARTICIPANT, "112")

    ready = await bot.ops.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"database", "telegram", "outbox", "due"}
    assert all(check["ok"] for check in checks.values())

    scraped = await bot.ops.get("/metrics")
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    figures = samples(scraped.text)
    # /start, four button presses, /help, two /sos (the participant's /start comes first of all updates)
    assert figures[("companion_updates_handled_total", (("outcome", "stored"),))] >= 8
    assert figures[("companion_update_handling_seconds_count", ())] >= 8
    assert figures[("companion_replies_sent_total", (("outcome", "sent"),))] >= 8
    assert figures[("companion_crisis_cards_served_total", (("path", "engine"),))] == 2
    assert figures[("companion_crisis_cards_served_total", (("path", "direct"),))] == 0
    assert figures[("companion_telegram_rate_limited_total", ())] == 0
    assert figures[("companion_outbox_pending", ())] >= 0
    assert ("companion_due_rows_late", ()) in figures

    personal = [str(PARTICIPANT), str(STRANGER), str(CRISIS), pseudonym, pseudonym[2:]]
    for text in (scraped.text, ready.text):
        assert not [item for item in personal if item in text]

    # The service logged the pseudonym (the engine names whom it handled); the shipped lines do not.
    assert any(pseudonym in message for message in bot.records.messages)
    lines = bot.json_lines.getvalue().splitlines()
    assert len(lines) >= 10
    for line in lines:
        entry = json.loads(line)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["time"])
        assert {"level", "logger", "message"} <= set(entry)
        assert not [item for item in personal if item in line], line


async def test_readiness_names_each_failing_check_and_answers_503(w: World) -> None:
    now = w.clock.now()
    async with w.db.transaction() as tx:
        await outbox.enqueue(
            tx,
            chat_id=55,
            participant_id=None,
            text="waiting",
            buttons=[],
            attachment=None,
            not_before=now - timedelta(minutes=20),
            now=now - timedelta(minutes=20),
        )
    await join(w, w.chat(1001))
    async with w.db.transaction() as tx:
        participant = await tx.scalar("SELECT id FROM participants")
        await tx.execute(
            "INSERT INTO due (participant_id, kind, key, due_at, grace_until, status, created_at)"
            " VALUES (?, 'checkin', 'late', ?, ?, 'pending', ?)",
            (participant, to_db(now - timedelta(hours=2)), to_db(now - timedelta(hours=1)), to_db(now)),
        )
    metrics = Metrics()
    readiness = Readiness(w.db, w.clock, metrics, lambda: None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ops_app(readiness)), base_url="http://ops"
    ) as client:
        assert (await client.get("/healthz")).status_code == 200  # alive, however unready
        answer = await client.get("/readyz")
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert checks["database"]["ok"] is True
        assert checks["telegram"] == {"ok": False, "detail": "not reached since the start"}
        assert checks["outbox"]["ok"] is False and "stuck" in checks["outbox"]["detail"]
        assert checks["due"]["ok"] is False and "1 past their grace window" in checks["due"]["detail"]
        figures = samples((await client.get("/metrics")).text)
    assert figures[("companion_due_rows_late", ())] == 1
    assert figures[("companion_outbox_oldest_pending_seconds", ())] >= 20 * 60


async def test_on_the_web_views_server_the_endpoints_answer_only_direct_requests(w: World) -> None:
    readiness = Readiness(w.db, w.clock, Metrics(), lambda: 1.0)
    seen: list[str] = []

    async def web_view(scope, receive, send):  # type: ignore[no-untyped-def]  # the web view, a stand-in
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"web"})

    app = beside(web_view, ops_app(readiness))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        assert (await client.get("/healthz")).text == "ok\n"
        assert (await client.get("/metrics")).status_code == 200
        proxied = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status_code == 404 and proxied.text == "web"
        assert (await client.get("/inbox")).text == "web"
    assert seen == ["/metrics", "/inbox"]


async def test_without_their_own_listener_they_are_on_the_web_views_server(tmp_path: Path) -> None:
    async with running_with_web(tmp_path, "/healthz") as (web, _, _):
        health = await web.get("/healthz")
        assert health.status_code == 200 and health.text == "ok\n"
        assert "companion_updates_handled_total" in (await web.get("/metrics")).text
        # Through the reverse proxy (a trusted one, even): the web view's own "not found" page.
        proxied = await web.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert proxied.status_code == 404 and "companion_" not in proxied.text
        assert (await web.get("/login")).status_code == 200  # the web view itself is there
