"""Where the operator's endpoints are served: beside the web case view on its server when that is on
(and no listener of their own is set), on COMPANION_OPS_LISTEN otherwise, or not at all."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from bot.http_server import serving
from bot.ops.endpoints import beside, ops_app
from bot.ops.readiness import Readiness
from bot.settings import Settings
from dialogs.core.clock import Clock
from storage.database import Database

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def serving_http(
    settings: Settings, db: Database, clock: Clock, readiness: Readiness
) -> AsyncIterator[None]:
    """The web case view (when COMPANION_WEB_LISTEN is set) and the ops endpoints while the block runs."""
    web, ops = settings.web_address(), settings.ops_address()
    endpoints = ops_app(readiness)
    async with contextlib.AsyncExitStack() as stack:
        if web is not None:
            from bot.web.app import config_from, create_app

            config = config_from(settings)
            app = create_app(db, clock, config)
            await stack.enter_async_context(
                serving(app if ops is not None else beside(app, endpoints), *web, config.proxies)
            )
            log.info("web case view on %s:%s (%s)", *web, config.base_url)
            if ops is None:
                log.info("health and metrics on the web case view's server (/healthz, /readyz, /metrics)")
        if ops is not None:
            await stack.enter_async_context(serving(endpoints, *ops, frozenset()))
            log.info("health and metrics on %s:%s (/healthz, /readyz, /metrics)", *ops)
        yield
