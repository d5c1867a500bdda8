"""The web case view in a test: the app on the world's database and clock, a client, and a coach who set
up web access and signs in with password and TOTP (codes from the world's clock)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pyotp

from bot.web.app import create_app
from bot.web.auth import new_totp_secret
from bot.web.context import WebConfig
from storage import web_accounts
from tests.harness import World

BASE = "http://localhost"
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r"<code>([A-Z2-7]+)</code>")


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


@asynccontextmanager
async def client(w: World, config: WebConfig | None = None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(w.db, w.clock, config or WebConfig(base_url=BASE))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE, follow_redirects=False) as web:
        yield web


async def setup_token(w: World, coach_id: int) -> str:
    """A setup link's token, as `companion coach add` makes it."""
    async with w.db.transaction() as tx:
        token, _ = await web_accounts.new_setup_link(tx, coach_id, new_totp_secret(), w.clock.now())
    return token


async def set_up(w: World, web: httpx.AsyncClient, coach_id: int) -> str:
    """Open a fresh setup link, choose the password, prove the code; returns the TOTP secret."""
    page = await web.get(f"/setup/{await setup_token(w, coach_id)}")
    assert page.status_code == 200, page.text
    found = SECRET.search(page.text)
    assert found, page.text
    secret = found.group(1)
    done = await web.post(
        str(page.url),
        data={
            "csrf_token": csrf_of(page),
            "password": PASSWORD,
            "password_again": PASSWORD,
            "code": pyotp.TOTP(secret).at(w.clock.now()),
        },
    )
    assert "Access set up" in done.text, done.text
    return secret


async def sign_in(
    w: World, web: httpx.AsyncClient, coach_id: int, secret: str, password: str = PASSWORD
) -> httpx.Response:
    """Sign in with a code of the next time step (each code works once)."""
    w.clock.advance(timedelta(seconds=30))
    form = await web.get("/login?lang=en")
    return await web.post(
        "/login",
        data={
            "csrf_token": csrf_of(form),
            "coach": str(coach_id),
            "password": password,
            "code": pyotp.TOTP(secret).at(w.clock.now()),
        },
    )
