"""Telegram's webhook posts, answered 200 only after the update committed (Starlette on uvicorn).

python-telegram-bot's webhook server answers 200 as soon as an update is queued, so a crash between the
answer and the commit loses it. Here the answer waits for the engine: 200 once the update is stored (or
needs no storing), 503 when the database could not store it, so Telegram delivers it again. A post without
Telegram's secret header is refused with 403. Updates are handled one at a time in the order they arrive,
as polling does. The server runs in the service's event loop, which is where the staff web view will live.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, Update

from bot.polling import Handler, settled
from bot.telegram_transport import trim_pressed_on

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def webhook_app(path: str, secret: str, bot: Bot, handle: Handler) -> Starlette:
    one_at_a_time = asyncio.Lock()

    async def receive(request: Request) -> Response:
        offered = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(offered.encode(), secret.encode()):
            return Response(status_code=403)
        try:
            update = Update.de_json(trim_pressed_on(await request.json()), bot)
        except Exception as exc:  # answering anything else would have Telegram post it forever
            log.error("a posted update cannot be read (%s); skipped", type(exc).__name__)
            return Response(status_code=200)
        async with one_at_a_time:
            stored = await settled(handle, update)
        return Response(status_code=200 if stored else 503)

    return Starlette(routes=[Route("/" + path.lstrip("/"), receive, methods=["POST"])])
