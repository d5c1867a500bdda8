"""The simplest alternative a developer would otherwise write, for the comparison in alternative_ptb.py.

A python-telegram-bot Application as the library's examples teach it: one `JobQueue.run_daily` job per
participant at their check-in time, re-created from persistence at start-up; `PicklePersistence` (the
defaults: one file, written every 60 seconds and at a clean shutdown) for user data and the state of a
persistent `ConversationHandler`; handlers that answer at once. It shows the same menu and privacy overview
as the companion, with the same labels, so the same virtual participants can drive both.

    python -m benchmarks.alternative_bot --token T --api-url URL --persistence FILE [--retry-429]

`--retry-429` is the first fix such a developer adds: a check-in job that gets 429 sleeps `retry_after`
and tries again (up to ten times), instead of losing the message.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import pickle
import sys
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    PicklePersistence,
)
from telegram.warnings import PTBUserWarning

CHECKIN_TEXT = "Good morning! How are you today?"
MENU, PRIVACY, CONFIRM = range(3)
SCOPES = {
    "checkins": "Check-ins and reminders",
    "selfreports": "Storing how you are",
    "sharing": "Short signals for your coach",
}
REQUIRED = "checkins"
RETRY_429 = False
MAX_TRIES = 10


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def menu_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button("🆘 Help now", "sos")],
            [_button("🔒 Privacy", "privacy"), _button("🌐 Language", "language")],
            [_button("❓ Help", "help")],
        ]
    )


def checkin_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button("🙂 Good", "mood:good"), _button("😐 So-so", "mood:soso"), _button("🙁 Bad", "mood:bad")]]
    )


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _answer(update)
    await context.bot.send_message(_chat_id(update), "What would you like to do?", reply_markup=menu_markup())
    return MENU


async def send_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    data: dict[str, Any] = context.user_data if context.user_data is not None else {}
    consents: dict[str, bool] = data.setdefault("consents", dict.fromkeys(SCOPES, False))
    lines = ["Your choices:"]
    rows = []
    for key, title in SCOPES.items():
        on = consents.get(key, False)
        lines.append(f"{'✅' if on else '⬜'} {title}")
        if key != REQUIRED:
            rows.append([_button(f"Turn {'off' if on else 'on'}: {title}", f"toggle:{key}")])
    lines += ["", f"Your pseudonym: {data.get('pseudonym', '-')}"]
    rows += [
        [_button("Show my consent history", "history")],
        [_button("Stop taking part", "stop")],
        [_button("Back to the menu", "menu")],
    ]
    await context.bot.send_message(
        _chat_id(update), "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows)
    )


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _answer(update)
    await send_overview(update, context)
    return PRIVACY


def _record(context: ContextTypes.DEFAULT_TYPE, key: str, granted: bool) -> None:
    assert context.user_data is not None
    context.user_data.setdefault("consents", {})[key] = granted
    context.user_data.setdefault("history", []).append((key, granted, datetime.now(UTC)))


async def toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _answer(update)
    assert update.callback_query is not None and context.user_data is not None
    key = (update.callback_query.data or "").removeprefix("toggle:")
    if key not in SCOPES or key == REQUIRED:
        return await privacy(update, context)
    if context.user_data.get("consents", {}).get(key):
        _record(context, key, False)
        await context.bot.send_message(_chat_id(update), f"Done. “{SCOPES[key]}” is now off.")
        await send_overview(update, context)
        return PRIVACY
    await context.bot.send_message(
        _chat_id(update),
        f"May I turn on “{SCOPES[key]}”?",
        reply_markup=InlineKeyboardMarkup([[_button("Yes", f"grant:{key}"), _button("No", "privacy")]]),
    )
    return CONFIRM


async def grant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _answer(update)
    assert update.callback_query is not None
    key = (update.callback_query.data or "").removeprefix("grant:")
    if key in SCOPES:
        _record(context, key, True)
        await context.bot.send_message(_chat_id(update), f"Done. “{SCOPES[key]}” is now on.")
    await send_overview(update, context)
    return PRIVACY


async def mood(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    await _answer(update)
    assert update.callback_query is not None and context.user_data is not None
    context.user_data.setdefault("answers", []).append((update.callback_query.data, datetime.now(UTC)))
    await context.bot.send_message(_chat_id(update), "Thank you. I noted it.")
    return None


async def closed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _answer(update)
    await context.bot.send_message(_chat_id(update), "This question is closed.")
    return await show_menu(update, context)


async def checkin(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily job. Without --retry-429 an error (429, a pool timeout) ends it: the message is lost."""
    job = context.job
    assert job is not None and job.chat_id is not None
    for attempt in range(MAX_TRIES if RETRY_429 else 1):
        try:
            await context.bot.send_message(job.chat_id, CHECKIN_TEXT, reply_markup=checkin_markup())
            return
        except RetryAfter as exc:
            if not RETRY_429 or attempt == MAX_TRIES - 1:
                raise
            wait = exc.retry_after
            await asyncio.sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
        except TimedOut:
            if not RETRY_429 or attempt == MAX_TRIES - 1:
                raise
            await asyncio.sleep(1)


async def schedule_checkins(application: Application) -> None:  # type: ignore[type-arg]
    """post_init: one daily job per participant, from the check-in times kept in persistence."""
    assert application.job_queue is not None
    for user_id, data in application.user_data.items():
        at = data.get("checkin_time")
        if isinstance(at, time):
            application.job_queue.run_daily(
                checkin, time=at, chat_id=user_id, user_id=user_id, name=f"checkin-{user_id}"
            )


def build(token: str, api_url: str, persistence: Path) -> Application:  # type: ignore[type-arg]
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .persistence(PicklePersistence(filepath=persistence))
        .post_init(schedule_checkins)
        .build()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message=False with button handlers
        conversation = ConversationHandler(
            entry_points=[CommandHandler("start", show_menu), CallbackQueryHandler(privacy, "^privacy$")],
            states={
                MENU: [CallbackQueryHandler(privacy, "^privacy$")],
                PRIVACY: [
                    CallbackQueryHandler(toggle, "^toggle:"),
                    CallbackQueryHandler(show_menu, "^menu$"),
                ],
                CONFIRM: [
                    CallbackQueryHandler(grant, "^grant:"),
                    CallbackQueryHandler(privacy, "^privacy$"),
                ],
            },
            fallbacks=[CallbackQueryHandler(mood, "^mood:"), CallbackQueryHandler(closed)],
            name="main",
            persistent=True,
        )
    application.add_handler(conversation)
    return application


# -- seeding (used by the benchmarks) ---------------------------------------------------------------------


def seed_pickle(path: Path, ids: Iterable[int], checkin_at: time | None, in_privacy: bool = False) -> None:
    """The pickle file this bot would have written for `ids` enrolled participants resting in the menu
    (or with `in_privacy` in the privacy overview)."""
    now = datetime.now(UTC)
    user_data: dict[int, dict[str, Any]] = {}
    conversations: dict[tuple[int, ...], object] = {}
    for index, chat in enumerate(ids, start=1):
        consents = {"checkins": True, "selfreports": True, "sharing": False}
        user_data[chat] = {
            "pseudonym": f"P-{index:05d}",
            "locale": "en",
            "consents": consents,
            "history": [(key, granted, now) for key, granted in consents.items()],
        }
        if checkin_at is not None:
            user_data[chat]["checkin_time"] = checkin_at
        conversations[(chat, chat)] = PRIVACY if in_privacy else MENU
    data = {
        "conversations": {"main": conversations},
        "user_data": user_data,
        "chat_data": {},
        "bot_data": {},
        "callback_data": None,
    }
    with path.open("wb") as file:
        pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)


def read_pickle(path: Path) -> dict[str, Any] | None:
    """What a restart would load; None when the file cannot be read (a write cut short by SIGKILL)."""
    try:
        with path.open("rb") as file:
            data = pickle.load(file)
    except Exception:
        return None
    return data if isinstance(data, dict) else None


def main(argv: list[str] | None = None) -> int:
    global RETRY_429
    parser = argparse.ArgumentParser(prog="python -m benchmarks.alternative_bot")
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True, help="Bot API base URL (…/bot)")
    parser.add_argument("--persistence", type=Path, required=True, help="PicklePersistence file")
    parser.add_argument("--retry-429", action="store_true", help="check-in jobs retry after a 429")
    args = parser.parse_args(argv)
    RETRY_429 = args.retry_429
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    build(args.token, args.api_url, args.persistence).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
