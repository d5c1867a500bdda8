"""The single-use setup link from `companion coach add`: choose a password, add the TOTP second factor."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.web import auth, csrf
from bot.web.context import Web
from bot.web.login import refused
from bot.web.sessions import audit_web
from storage import coaches, web_accounts
from storage.coaches import Coach
from storage.database import Tx
from storage.web_accounts import SetupLink

WEB_SETUP = "web_account_set_up"


async def _open(web: Web, tx: Tx, token: str) -> tuple[SetupLink, Coach] | None:
    link = await web_accounts.open_setup_link(tx, token, web.clock.now())
    coach = await coaches.by_id(tx, link.coach_id) if link is not None else None
    return None if link is None or coach is None else (link, coach)


def _form(
    web: Web, request: Request, link: SetupLink, coach: Coach, errors: list[str], status: int = 200
) -> Response:
    token = csrf.anonymous_token(request)
    uri = auth.totp_uri(link.totp_secret, f"{coach.name} ({coach.id})")
    response = web.render(
        request,
        "setup.html",
        status=status,
        csrf_token=token,
        coach=coach,
        qr=auth.qr_svg(uri),
        secret=link.totp_secret,
        errors=errors,
        password_min=auth.PASSWORD_MIN,
    )
    csrf.remember(response, token, secure=web.config.secure_cookies)
    return response


async def setup_page(web: Web, request: Request) -> Response:
    async with web.db.transaction() as tx:
        opened = await _open(web, tx, request.path_params["token"])
    if opened is None:
        return web.render(request, "setup_invalid.html", status=404)
    return _form(web, request, *opened, errors=[])


async def setup(web: Web, request: Request) -> Response:
    form = await request.form()
    if not csrf.valid(form, request.cookies.get(csrf.COOKIE)):
        return refused(web, request)
    token = request.path_params["token"]
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    now = web.clock.now()
    async with web.db.transaction() as tx:
        opened = await _open(web, tx, token)
        if opened is None:
            return web.render(request, "setup_invalid.html", status=404)
        link, coach = opened
        errors = []
        if not auth.PASSWORD_MIN <= len(password) <= auth.PASSWORD_MAX:
            errors.append("password_length")
        elif password != again:
            errors.append("password_mismatch")
        step = auth.totp_step(link.totp_secret, str(form.get("code", "")), now)
        if step is None:
            errors.append("code")
        if errors:
            return _form(web, request, link, coach, errors, status=400)
        await web_accounts.use_setup_link(tx, token, auth.hash_password(password), now, step or 0)
        await audit_web(tx, web, coach, WEB_SETUP)
    return web.render(request, "setup_done.html", coach=coach)
