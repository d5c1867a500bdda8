"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's own updater asks for the next batch (which confirms the previous one to Telegram)
while earlier updates may still wait in its queue, so a process killed at that moment loses button presses
it never answered. Here the offset moves past an update only once the engine's transaction for it has
committed; an update redelivered after a crash is recognised by its id and changes nothing.

Only the kinds of update the bot answers are asked for. Should python-telegram-bot still fail to read a
batch (a field it does not expect), the batch is fetched again as plain JSON and read update by update:
one unreadable update is logged and skipped, never allowed to stop polling for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, TelegramError, TimedOut
from telegram.warnings import PTBUserWarning

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds Telegram holds a long poll open
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)  # what the engine answers


async def poll_updates(
    bot: Bot,
    handle: Callable[[Update], Awaitable[None]],
    stop: asyncio.Event,
    *,
    hold: int = POLL_TIMEOUT,
    first: Callable[[Update], bool] | None = None,
) -> None:
    """Fetch and handle updates one by one until `stop` is set; in each batch those `first` picks (crisis
    input) go before the rest, so help never waits behind a flood of other updates."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(offset=offset, timeout=hold, allowed_updates=ALLOWED_UPDATES)
        )
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return
        updates: Sequence[Update | int]
        try:
            updates = fetch.result()
        except TimedOut:
            continue  # an empty long poll that took a little too long: ask again
        except InvalidToken:
            raise
        except (Conflict, TelegramError) as exc:
            failures += 1
            await _back_off(exc, failures, stop)
            continue
        except Exception as exc:  # python-telegram-bot could not read the batch
            log.error(
                "a batch of updates could not be read (%s); reading them one by one", type(exc).__name__
            )
            try:
                updates = await read_one_by_one(bot, offset)
            except TelegramError as again:
                failures += 1
                await _back_off(again, failures, stop)
                continue
        failures = 0
        if first is not None:
            # The offset moves past the whole batch only at the next poll, so the order within it is free.
            updates = sorted(updates, key=lambda u: not (isinstance(u, Update) and first(u)))
        for update in updates:
            if isinstance(update, Update):
                try:
                    await handle(update)
                except Exception as exc:  # the handler answers kindly itself; a poisoned update must not loop
                    log.error("update %s could not be handled (%s)", update.update_id, type(exc).__name__)
                update_id = update.update_id
            else:
                update_id = update
            offset = max(offset or 0, update_id + 1)  # never backwards, whatever order a batch came in


async def _back_off(exc: Exception, failures: int, stop: asyncio.Event) -> None:
    wait = min(30.0, 2.0**failures)
    log.warning("polling failed (%s); trying again in %.0f s", type(exc).__name__, wait)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=wait)


async def read_one_by_one(bot: Bot, offset: int | None) -> Sequence[Update | int]:
    """The waiting updates as plain JSON, each read on its own; an unreadable one is logged and stands
    in the result as its bare id, so the offset moves past it."""
    with warnings.catch_warnings():  # the library would rather we called get_updates, which is what failed
        warnings.simplefilter("ignore", PTBUserWarning)
        raw: Any = await bot.do_api_request(
            "getUpdates",
            api_kwargs={"offset": offset, "timeout": 0, "allowed_updates": list(ALLOWED_UPDATES)},
        )
    result: list[Update | int] = []
    for item in raw if isinstance(raw, list) else []:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            continue  # nothing to move the offset past, and nothing that can be answered
        try:
            result.append(Update.de_json(item, bot))
        except Exception as exc:
            log.error("update %s cannot be read (%s); skipped", update_id, type(exc).__name__)
            result.append(update_id)
    return result
