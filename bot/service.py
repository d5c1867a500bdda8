"""The running service: database, engine, outbox worker and one transport, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.console import BANNER, CONSOLE_CHAT_ID, ConsoleSender, parse_line, read_lines
from bot.crisis_fallback import Dispatcher
from bot.delivery import Limits, OutboxWorker, Sender
from bot.settings import Settings
from bot.telegram_transport import TelegramSender, event_from_update
from bot.webhooks import RoutingSender, WebhookSender
from dialogs.clock import Clock, SystemClock
from dialogs.engine import Engine
from dialogs.flow import COMMANDS, PARTICIPANTS
from dialogs.i18n import Translator, shipped_locales
from storage.database import Database

log = logging.getLogger(__name__)


@dataclass
class Core:
    db: Database
    engine: Engine
    worker: OutboxWorker
    dispatcher: Dispatcher


@asynccontextmanager
async def open_core(
    settings: Settings, sender: Sender, clock: Clock | None = None, limits: Limits | None = None
) -> AsyncIterator[Core]:
    clock = clock or SystemClock()
    db = await Database.open(settings.database)
    webhooks = WebhookSender(db)
    try:
        worker = OutboxWorker(
            db,
            RoutingSender(sender, webhooks),
            clock,
            limits or Limits(settings.global_rate, settings.per_chat_interval),
        )
        config = settings.engine_config()
        engine = Engine(db, clock, config, on_enqueued=worker.wake)
        dispatcher = Dispatcher(engine, sender, config)
        try:
            yield Core(db, engine, worker, dispatcher)
        finally:
            await dispatcher.join()
    finally:
        await webhooks.close()
        await db.close()


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def run_telegram(
    settings: Settings, token: str, stop: asyncio.Event | None = None, webhook: bool = False
) -> None:
    """Poll Telegram (or serve a webhook) until SIGINT/SIGTERM, or until `stop` is set (tests)."""
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .concurrent_updates(False)
        .build()
    )
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    async with open_core(settings, TelegramSender(application.bot)) as core:

        async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await handle_update(update, core.dispatcher)

        application.add_handler(TypeHandler(Update, on_update))
        async with application:
            await publish_commands(application)
            assert application.updater is not None
            if webhook:
                await start_webhook(application, settings)
            else:
                await application.updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
                )
            await application.start()
            mode = "serving a webhook for" if webhook else "polling"
            log.info("%s Telegram as @%s", mode, application.bot.username)
            if core.engine.config.bot_username is None:  # coaches' /invite links need it
                core.engine.config = replace(core.engine.config, bot_username=application.bot.username)
            try:
                await core.worker.run(stop)
            finally:
                await application.updater.stop()
                await application.stop()


async def handle_update(update: Update, dispatcher: Dispatcher) -> None:
    """One Telegram update: acknowledge a button press, then let the engine (or the crisis guard) answer."""
    if update.callback_query is not None:
        with contextlib.suppress(Exception):
            await update.callback_query.answer()
    event = event_from_update(update)
    if event is not None:
        await dispatcher.dispatch(event)


async def start_webhook(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Listen for Telegram's posts; requests without the secret header are refused with 403."""
    url = settings.require_webhook_url()
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    )
    assert application.updater is not None
    await application.updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The Telegram command menu, in every shipped language (failures are logged, not fatal)."""
    names = [c for c in COMMANDS.values() if c.in_menu and c.standings & PARTICIPANTS]
    for locale in (None, *shipped_locales()):
        tr = Translator(locale or "de")
        commands = [BotCommand(c.name, tr(c.description)[:256]) for c in names]
        try:
            await application.bot.set_my_commands(commands, language_code=locale)
        except Exception as exc:
            log.warning("could not publish the command menu for %s: %s", locale, type(exc).__name__)


async def run_console(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    chat_id: int = CONSOLE_CHAT_ID,
    files_dir: Path | None = None,
) -> None:
    sender = ConsoleSender(stdout, files_dir or Path.cwd())
    limits = Limits(global_rate=1000, per_chat_interval=0)
    async with open_core(settings, sender, limits=limits) as core:
        await core.worker.recover()
        stdout.write(BANNER + "\n")
        stdout.flush()
        lines = await read_lines(stdin)
        while (line := await lines.get()) is not None:
            event = parse_line(line, chat_id, sender.choices)
            if event is None:
                continue
            await core.dispatcher.dispatch(event)
            try:
                await core.worker.drain()
            except Exception as exc:  # the database is failing: keep reading, crisis input still works
                log.error("could not deliver from the outbox (%s)", type(exc).__name__)
