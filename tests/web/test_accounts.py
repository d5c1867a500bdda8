"""Setting up web access and signing in: single-use setup links, password plus TOTP, throttling."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from storage import web_accounts
from tests.harness import Chat, World
from tests.web.helpers import PASSWORD, client, csrf_of, set_up, setup_token, sign_in


async def test_a_setup_link_works_once_and_stores_only_digests(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        token = await setup_token(w, coach_id)
        page = await web.get(f"/setup/{token}?lang=en")
        assert page.status_code == 200
        assert "<svg" in page.text and f"Your coach number is {coach_id}" in page.text
        secret = await set_up(w, web, coach_id)
        again = await web.get(f"/setup/{token}")
        assert again.status_code == 404 and "does not work any more" in again.text
    async with w.db.read() as tx:
        stored = await tx.all("SELECT * FROM web_setup_links")
        account = await web_accounts.account(tx, coach_id)
    assert token not in str([tuple(row) for row in stored])
    assert secret not in str([tuple(row) for row in stored])  # a used link keeps no second copy of the key
    assert account is not None and account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash and account.totp_secret == secret


async def test_an_expired_setup_link_is_refused(w: World, coach: Chat) -> None:
    async with client(w) as web:
        token = await setup_token(w, await w.coach_id(coach))
        w.clock.advance(timedelta(hours=73))
        page = await web.get(f"/setup/{token}?lang=en")
    assert page.status_code == 404 and "Ask your administrator for a new one" in page.text


async def test_setup_wants_a_long_password_twice_and_a_right_code(w: World, coach: Chat) -> None:
    async with client(w) as web:
        page = await web.get(f"/setup/{await setup_token(w, await w.coach_id(coach))}?lang=en")
        sent = await web.post(
            str(page.url),
            data={
                "csrf_token": csrf_of(page),
                "password": "short",
                "password_again": "short",
                "code": "000000",
            },
        )
    assert sent.status_code == 400
    assert "at least 12 characters" in sent.text and "code is not right" in sent.text


async def test_sign_in_needs_password_and_code_and_each_code_works_once(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        wrong = await sign_in(w, web, coach_id, secret, password="not the password")
        assert wrong.status_code == 401 and "That did not work" in wrong.text
        signed = await sign_in(w, web, coach_id, secret)
        assert signed.status_code == 303 and signed.headers["location"] == "/inbox"
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        cases = await web.get("/cases?lang=en")
        assert "Your cases" in cases.text and "Anna Beispiel" in cases.text
        web.cookies.clear()
        form = await web.get("/login")
        code = pyotp.TOTP(secret).at(w.clock.now())  # the code just used
        replay = await web.post(
            "/login",
            data={"csrf_token": csrf_of(form), "coach": str(coach_id), "password": PASSWORD, "code": code},
        )
    assert replay.status_code == 401


async def test_sign_in_is_throttled_per_account(w: World, coach: Chat) -> None:
    coach_id = await w.coach_id(coach)
    async with client(w) as web:
        secret = await set_up(w, web, coach_id)
        for _ in range(5):
            assert (await sign_in(w, web, coach_id, secret, password="guess guess guess")).status_code == 401
        blocked = await sign_in(w, web, coach_id, secret)
        assert blocked.status_code == 429 and "Too many attempts" in blocked.text
        w.clock.advance(timedelta(minutes=16))
        assert (await sign_in(w, web, coach_id, secret)).status_code == 303
