"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's own updater asks for the next batch (which confirms the previous one to Telegram)
while earlier updates may still wait in its queue, so a process killed at that moment loses button presses
it never answered. Here the offset moves past an update only once the engine's transaction for it has
committed; an update redelivered after a crash is recognised by its id and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, TelegramError, TimedOut

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram holds a long poll open


async def poll_updates(
    bot: Bot, handle: Callable[[Update], Awaitable[None]], stop: asyncio.Event, *, hold: int = POLL_TIMEOUT
) -> None:
    """Fetch and handle updates one by one until `stop` is set."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(offset=offset, timeout=hold, allowed_updates=Update.ALL_TYPES)
        )
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return
        try:
            updates = fetch.result()
        except TimedOut:
            continue  # an empty long poll that took a little too long: ask again
        except InvalidToken:
            raise
        except (Conflict, TelegramError) as exc:
            failures += 1
            wait = min(30.0, 2.0**failures)
            log.warning("polling failed (%s); trying again in %.0f s", type(exc).__name__, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
            continue
        failures = 0
        for update in updates:
            try:
                await handle(update)
            except Exception as exc:  # the handler answers kindly itself; a poisoned update must not loop
                log.error("update %s could not be handled (%s)", update.update_id, type(exc).__name__)
            offset = update.update_id + 1
