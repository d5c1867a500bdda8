"""Sign in (coach number, password, TOTP code), sign out; failed attempts are throttled."""

from __future__ import annotations

from datetime import datetime

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web import auth, csrf
from bot.web.context import Web
from bot.web.headers import client_address
from bot.web.sessions import SignedIn, audit_web, clear_cookie, set_cookie, signed_in
from storage import coaches, web_accounts, web_sessions
from storage.database import Tx

WEB_LOGIN = "web_login"
WEB_LOGOUT = "web_logout"


def refused(web: Web, request: Request) -> Response:
    """A form without its token: 403 and a page that says what to do."""
    return web.render(request, "refused.html", status=403)


async def posted_by(web: Web, tx: Tx, request: Request, form: FormData) -> SignedIn | Response:
    """The signed-in coach behind a form post, or the answer to send instead: the sign-in page without a
    session, 403 without the session's CSRF token."""
    who = await signed_in(web, tx, request)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if not csrf.valid(form, who.session.csrf_token):
        return refused(web, request)
    return who


def login_form(web: Web, request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = csrf.anonymous_token(request)
    response = web.render(request, "login.html", status=status, csrf_token=token, error=error)
    csrf.remember(response, token, secure=web.config.secure_cookies)
    return response


async def login_page(web: Web, request: Request) -> Response:
    async with web.db.transaction() as tx:
        if await signed_in(web, tx, request) is not None:
            return RedirectResponse("/inbox", status_code=303)
    return login_form(web, request)


async def login(web: Web, request: Request) -> Response:
    form = await request.form()
    if not csrf.valid(form, request.cookies.get(csrf.COOKIE)):
        return refused(web, request)
    number = str(form.get("coach", "")).strip()
    coach_id = int(number) if number.isdigit() and len(number) < 10 else None
    now = web.clock.now()
    keys = auth.throttle_keys(coach_id, client_address(request))
    async with web.db.transaction() as tx:
        await web_accounts.purge_failures(tx, now)  # the upkeep of these two tables is here, at each sign-in
        await web_sessions.purge(tx, now, web.config.lifetime)
        if await auth.throttled(tx, keys, now):
            return login_form(web, request, error="throttled", status=429)
        found = await auth.check_login(
            tx, coach_id, str(form.get("password", "")), str(form.get("code", "")), now
        )
        coach = await coaches.by_id(tx, found) if found is not None else None
        if coach is None or not coach.active:
            await web_accounts_failure(tx, keys, now)
            return login_form(web, request, error="wrong", status=401)
        session_id = await web_sessions.start(tx, coach.id, now, web.locale(request))
        await audit_web(tx, web, coach, WEB_LOGIN)
    response = RedirectResponse("/inbox", status_code=303)
    set_cookie(web, response, session_id)
    return response


async def web_accounts_failure(tx: Tx, keys: auth.Throttle, now: datetime) -> None:
    await web_accounts.record_failure(tx, (keys.account_key, keys.address_key), now)


async def logout(web: Web, request: Request) -> Response:
    form = await request.form()
    async with web.db.transaction() as tx:
        current = await signed_in(web, tx, request)
        if current is None:
            response: Response = RedirectResponse("/login", status_code=303)
            clear_cookie(web, response)
            return response
        if not csrf.valid(form, current.session.csrf_token):
            return refused(web, request)
        await web_sessions.revoke(tx, current.session_id, web.clock.now())
        await audit_web(tx, web, current.coach, WEB_LOGOUT)
    response = web.render(request, "signed_out.html")
    clear_cookie(web, response)
    return response
