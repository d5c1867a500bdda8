"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's own updater asks for the next batch (which confirms the previous one to Telegram)
while earlier updates may still wait in its queue, so a process killed at that moment loses button presses
it never answered. Here the offset moves past an update only once the engine's transaction for it has
committed; an update redelivered after a crash is recognised by its id and changes nothing. When the
database cannot store an update (disk full, locked), the offset stays before it and it is fetched again
after a pause that grows with every failed attempt.

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


Handler = Callable[[Update], Awaitable[bool]]  # True once the update is stored (or needs no storing)


async def poll_updates(
    bot: Bot,
    handle: Handler,
    stop: asyncio.Event,
    *,
    hold: int = POLL_TIMEOUT,
    first: Callable[[Update], bool] | None = None,
) -> None:
    """Fetch and handle updates one by one until `stop` is set; in each batch those `first` picks (crisis
    input) go before the rest, so help never waits behind a flood of other updates."""
    offset: int | None = None
    failures = 0
    unstored = 0  # batches in a row that stopped at an update the database could not store
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
        batch = [update.update_id if isinstance(update, Update) else update for update in updates]
        if first is not None:
            # The offset confirms by the batch's ids (`next_offset`), so the order of handling is free.
            updates = sorted(updates, key=lambda u: not (isinstance(u, Update) and first(u)))
        settled_ids: set[int] = set()
        for update in updates:
            # One that is not stored stays with Telegram; the rest are still tried (crisis input gets its
            # card even when nothing can be stored), and those handled are recognised when they come again.
            if not isinstance(update, Update):
                settled_ids.add(update)
            elif await settled(handle, update):
                settled_ids.add(update.update_id)
        offset = next_offset(offset, batch, settled_ids)
        if set(batch) - settled_ids:
            unstored += 1
            await _back_off("the database could not store an update", unstored, stop)
        else:
            unstored = 0


async def settled(handle: Handler, update: Update) -> bool:
    """Handle `update`; False only when the handler says it was not stored and must be delivered again
    (anything but False counts as settled). A handler that raises counts as settled: it answers kindly
    itself, and a poisoned update must not come back forever."""
    try:
        return await handle(update) is not False
    except Exception as exc:
        log.error("update %s could not be handled (%s)", update.update_id, type(exc).__name__)
        return True


def next_offset(offset: int | None, batch: Sequence[int], done: set[int]) -> int | None:
    """The offset that confirms exactly the settled updates of a batch: up to the first one that is not,
    whatever order the batch was handled in; never backwards."""
    if not batch:
        return offset
    waiting = [update_id for update_id in batch if update_id not in done]
    wanted = min(waiting) if waiting else max(batch) + 1
    return max(offset or 0, wanted)


async def _back_off(reason: Exception | str, failures: int, stop: asyncio.Event) -> None:
    wait = min(30.0, 2.0**failures)
    why = reason if isinstance(reason, str) else type(reason).__name__
    log.warning("polling failed (%s); trying again in %.0f s", why, wait)
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
