"""The web case view as a Starlette app: routes, static files, security headers; and its server, run in
the service's event loop beside the bot (one process, one writer to SQLite)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.settings import Settings
from bot.web import cases, inbox, login, setup
from bot.web.context import HERE, Web, WebConfig
from bot.web.headers import SecurityHeaders
from dialogs.core.clock import Clock
from storage.database import Database

log = logging.getLogger(__name__)

Page = Callable[[Web, Request], Awaitable[Response]]


def config_from(settings: Settings) -> WebConfig:
    return WebConfig(
        base_url=settings.web_public_url(),
        idle=timedelta(minutes=settings.web_idle_minutes),
        lifetime=timedelta(hours=settings.web_session_hours),
        proxies=settings.web_proxies,
        default_locale=settings.default_locale,
        timezone=settings.timezone,
    )


def create_app(db: Database, clock: Clock, config: WebConfig) -> Starlette:
    web = Web(db, clock, config)

    def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return await handler(web, request)

        return endpoint

    async def home(request: Request) -> Response:
        return RedirectResponse("/inbox", status_code=303)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return web.render(request, "not_found.html", status=status)

    routes = [
        Route("/", home),
        Route("/login", page(login.login_page), methods=["GET"]),
        Route("/login", page(login.login), methods=["POST"]),
        Route("/logout", page(login.logout), methods=["POST"]),
        Route("/setup/{token}", page(setup.setup_page), methods=["GET"]),
        Route("/setup/{token}", page(setup.setup), methods=["POST"]),
        Route("/inbox", page(inbox.inbox_page), methods=["GET"]),
        Route("/inbox/{item_id:int}/{action:str}", page(inbox.change), methods=["POST"]),
        Route("/cases", page(cases.cases_page), methods=["GET"]),
        Route("/cases/{pseudonym}", page(cases.case_page), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders, https=config.secure_cookies)],
        exception_handlers={404: not_found, 405: not_found},
    )


@contextlib.asynccontextmanager
async def serving_web(settings: Settings, db: Database, clock: Clock) -> AsyncIterator[str | None]:
    """Serve the web case view while the block runs when COMPANION_WEB_LISTEN is set; yields its public
    base URL (None when it is off)."""
    address = settings.web_address()
    if address is None:
        yield None
        return
    from bot.web.server import serving

    config = config_from(settings)
    host, port = address
    async with serving(create_app(db, clock, config), host, port, config.proxies):
        log.info("web case view on %s:%s (%s)", host, port, config.base_url)
        yield config.base_url
