"""Sessions end when they should, forms need their CSRF token, every answer carries security headers."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from bot.commands.coaches import remove_coach
from bot.settings import Settings
from tests.harness import Chat, World
from tests.web.helpers import client, csrf_of, set_up, sign_in


async def test_a_form_without_its_csrf_token_is_refused(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        await sign_in(w, web, coach_id, secret)
        page = await web.get("/cases?lang=en")
        refused = await web.post("/logout", data={})
        assert refused.status_code == 403 and "This form was not accepted" in refused.text
        forged = await web.post("/logout", data={"csrf_token": "x" * 43})
        assert forged.status_code == 403
        assert (await web.get("/cases")).status_code == 200  # still signed in
        out = await web.post("/logout", data={"csrf_token": csrf_of(page)})
        assert out.status_code == 200 and "You are signed out" in out.text
        assert (await web.get("/cases")).headers["location"] == "/login"


async def test_a_login_form_without_its_token_is_refused(w: World, coach: Chat) -> None:
    async with client(w) as web:
        sent = await web.post("/login?lang=en", data={"coach": "1", "password": "x", "code": "123456"})
    assert sent.status_code == 403 and "This form was not accepted" in sent.text


async def test_an_idle_session_ends(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        await sign_in(w, web, coach_id, secret)
        w.clock.advance(timedelta(minutes=29))
        assert (await web.get("/cases")).status_code == 200  # each request starts the idle time again
        w.clock.advance(timedelta(minutes=29))
        assert (await web.get("/cases")).status_code == 200
        w.clock.advance(timedelta(minutes=31))
        gone = await web.get("/cases")
        assert gone.status_code == 303 and gone.headers["location"] == "/login"
        w.clock.advance(timedelta(minutes=-31))  # the session stays ended
        assert (await web.get("/cases")).status_code == 303


async def test_a_busy_session_ends_after_its_lifetime(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        await sign_in(w, web, coach_id, secret)
        signed_in_at = w.clock.now()
        while (await web.get("/cases")).status_code == 200:
            assert w.clock.now() - signed_in_at <= timedelta(hours=12)
            w.clock.advance(timedelta(minutes=20))
    assert w.clock.now() - signed_in_at > timedelta(hours=12)  # ended by its lifetime, never idle


async def test_a_removed_coach_is_signed_out_at_once(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        await sign_in(w, web, coach_id, secret)
        assert (await web.get("/cases")).status_code == 200
        settings = Settings(database=w.path, _env_file=None)  # type: ignore[call-arg]
        args = argparse.Namespace(coach_id=coach_id, hand_over_to=None)
        assert await asyncio.to_thread(remove_coach, settings, args) == 0
        after = await web.get("/cases")
        assert after.status_code == 303 and after.headers["location"] == "/login"
        again = await sign_in(w, web, coach_id, secret)
        assert again.status_code == 401


async def test_every_answer_carries_the_security_headers(w: World) -> None:
    async with client(w) as web:
        for path in ("/login", "/setup/nothing", "/cases", "/no-such-page", "/static/style.css"):
            answer = await web.get(path)
            headers = answer.headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
            assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no script
            assert headers["x-frame-options"] == "DENY"
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
