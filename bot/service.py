"""The running service: database, engine, outbox worker and one transport, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from bot.console import BANNER, CONSOLE_CHAT_ID, ConsoleSender, parse_line, read_lines
from bot.crisis_fallback import Dispatcher, crisis_locale
from bot.delivery import Limits, OutboxWorker, Sender, SendResult
from bot.ops import systemd
from bot.ops.listener import serving_http
from bot.ops.metrics import Contact, MeteredSender, Metrics
from bot.ops.readiness import Readiness
from bot.pictures.sending import PictureRenderer
from bot.scheduler import Scheduler, Timing
from bot.settings import Settings
from bot.webhooks import RoutingSender, WebhookSender
from dialogs.coaching.inbox.jobs import inbox_work
from dialogs.core.clock import Clock, SystemClock
from dialogs.core.engine import Engine
from dialogs.core.flow import PARTICIPANTS
from dialogs.core.i18n import Translator, shipped_locales
from dialogs.features import REGISTRY
from storage import meta
from storage.database import Database
from storage.outbox import OutboxMessage
from storage.sealing import sealer_for
from storage.times import to_db

if TYPE_CHECKING:
    from telegram import CallbackQuery, Update
    from telegram.ext import Application

    from bot.polling import Handler

log = logging.getLogger(__name__)

FIRST_SWEEP_WAIT = 2.0  # seconds the transport waits for the first sweep before it loads and connects


@dataclass
class PollTracker:
    """When Telegram last answered a poll (set by the transport, written to `meta` by the heartbeat)."""

    last_success: datetime | None = None


@dataclass
class Ops:
    """What the operator's endpoints see: counts, and when Telegram last answered."""

    metrics: Metrics
    contact: Contact
    tracker: PollTracker
    clock: Clock

    def telegram_age(self) -> float | None:
        """Seconds since Telegram last answered a send, a poll or posted a webhook update (None: never)."""
        ages = [age for age in (self.contact.age(),) if age is not None]
        if self.tracker.last_success is not None:
            ages.append(max(0.0, (self.clock.now() - self.tracker.last_success).total_seconds()))
        return min(ages) if ages else None


class DeferredSender:
    """The outbox worker's sender before the transport exists: due rows can be swept into the outbox
    while python-telegram-bot is still loading; the worker starts only once `target` is set."""

    def __init__(self) -> None:
        self.target: Sender | None = None

    async def send(self, message: OutboxMessage) -> SendResult:
        if self.target is None:
            raise RuntimeError("the transport is not connected yet")
        return await self.target.send(message)


@dataclass
class Core:
    db: Database
    engine: Engine
    worker: OutboxWorker
    scheduler: Scheduler
    dispatcher: Dispatcher  # the engine, with crisis input answered even when it cannot be


@asynccontextmanager
async def open_core(
    settings: Settings,
    sender: Sender,
    clock: Clock | None = None,
    limits: Limits | None = None,
    poll: PollTracker | None = None,
) -> AsyncIterator[Core]:
    """Database, engine, outbox worker and the scheduler's jobs (running from the first moment, so due
    rows are swept while the transport is still connecting)."""
    clock = clock or SystemClock()
    db = await Database.open(settings.database)
    scheduler: Scheduler | None = None
    webhooks = WebhookSender(db)  # organisations' webhooks go through the same outbox and worker
    try:
        worker = OutboxWorker(
            db,
            RoutingSender(sender, webhooks),
            clock,
            limits
            or Limits(
                settings.global_rate, settings.per_chat_interval, max_retry_after=settings.max_retry_after
            ),
            sealer_for(settings.key_list),
        )
        config = settings.engine_config()
        engine = Engine(db, clock, config, REGISTRY, on_enqueued=worker.wake)
        dispatcher = Dispatcher(engine, sender, config, region=settings.region)

        async def heartbeat() -> None:
            async with db.transaction() as tx:
                await meta.put(tx, "heartbeat_at", to_db(clock.now()))
                if poll is not None and poll.last_success is not None:
                    await meta.put(tx, "last_poll_at", to_db(poll.last_success))

        timing = Timing(sweep_seconds=settings.sweep_seconds)
        smtp = settings.smtp()

        async def inbox(now: datetime) -> object:
            return await inbox_work(db, smtp, now)

        scheduler = Scheduler(db, engine, clock, timing, heartbeat=heartbeat, after_sweep=inbox)
        scheduler.start()
        try:
            yield Core(db, engine, worker, scheduler, dispatcher)
        finally:
            await dispatcher.join()
    finally:
        if scheduler is not None:
            await scheduler.stop()
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
    """Poll Telegram (or serve a webhook) until SIGINT/SIGTERM, or until `stop` is set (tests).

    The database and the scheduler come first: due rows are swept into the outbox while
    python-telegram-bot is still being loaded, so a restart delays no promise by the transport's start.
    """
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    clock = SystemClock()
    tracker = PollTracker()
    sender = DeferredSender()
    ops = Ops(Metrics(), Contact(), tracker, clock)
    if settings.web_address() is not None:
        settings.web_public_url()  # a wrong web setting stops the start, before anything is opened
    settings.ops_address()
    metered = MeteredSender(sender, ops.metrics, ops.contact)
    async with open_core(settings, metered, clock, poll=tracker) as core:
        readiness = Readiness(core.db, clock, ops.metrics, ops.telegram_age)
        async with serving_http(settings, core.db, clock, readiness), systemd.watchdog():
            await core.scheduler.first_sweep_done(FIRST_SWEEP_WAIT)
            try:
                await _serve_telegram(core, settings, token, stop, webhook, sender, ops, readiness)
            finally:
                systemd.notify("STOPPING=1")


async def _serve_telegram(
    core: Core,
    settings: Settings,
    token: str,
    stop: asyncio.Event,
    webhook: bool,
    sender: DeferredSender,
    ops: Ops,
    readiness: Readiness,
) -> None:
    from telegram.ext import ApplicationBuilder

    from bot.polling import poll_updates
    from bot.telegram_http import KeepAliveRequest
    from bot.telegram_transport import PollRequest, TelegramSender, is_crisis_update

    timeout = settings.send_timeout
    requests = KeepAliveRequest(
        connection_pool_size=Limits.concurrency,
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=min(timeout, 10.0),
        pool_timeout=timeout,
    )
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .concurrent_updates(False)
        .request(requests)
        .get_updates_request(PollRequest(core.engine.clock, ops.tracker))
        .build()
    )
    sender.target = TelegramSender(application.bot, PictureRenderer.configured(settings.picture_font))

    async def handle(update: Update) -> bool:
        ops.contact.seen()  # polled or posted: Telegram reached us
        return await handle_update(update, core.dispatcher, ops.metrics)

    async def probe() -> None:
        await application.bot.get_me()
        ops.contact.seen()

    async with application, contextlib.AsyncExitStack() as listening:
        await publish_commands(application)
        polling: asyncio.Task[None] | None = None
        if webhook:
            await listening.enter_async_context(start_webhook(application, settings, handle))
        else:
            await application.bot.delete_webhook(drop_pending_updates=False)
            polling = asyncio.create_task(poll_updates(application.bot, handle, stop, first=is_crisis_update))
        mode = "serving a webhook for" if webhook else "polling"
        log.info("%s Telegram as @%s", mode, application.bot.username)
        ops.contact.seen()  # the start asked Telegram for the bot's name and commands
        readiness.probe = probe
        systemd.notify("READY=1\nSTATUS=" + mode + " Telegram")
        if core.engine.config.bot_username is None:  # coaches' /invite links need it
            core.engine.config = replace(core.engine.config, bot_username=application.bot.username)
        try:
            await core.worker.run(stop)
        finally:
            if polling is not None:
                stop.set()
                await polling


async def handle_update(update: Update, dispatcher: Dispatcher, metrics: Metrics | None = None) -> bool:
    """One Telegram update: acknowledge a button press while the engine (or the crisis guard) answers it.
    True once it is stored (or needs no answer); False when the database could not store it.

    The acknowledgement is a round trip to Telegram that the engine does not need: it runs beside the
    engine's transaction instead of before it, and is waited for before the next update is taken."""
    from bot.telegram_transport import event_from_update

    query = update.callback_query
    acknowledged = asyncio.create_task(_acknowledge(query)) if query is not None else None
    started = time.monotonic()
    try:
        event = event_from_update(update)
        if event is None:
            if metrics is not None:
                metrics.handled(None, 0.0, crisis=False)
            return True
        outcome = await dispatcher.dispatch(event)
        if metrics is not None:
            crisis = crisis_locale(event, dispatcher.config) is not None
            metrics.handled(outcome, time.monotonic() - started, crisis)
        return not outcome.redeliver
    finally:
        if acknowledged is not None:
            await acknowledged


async def _acknowledge(query: CallbackQuery) -> None:
    """Stop the spinner on the pressed button; a failure changes nothing for the person."""
    with contextlib.suppress(Exception):
        await query.answer()


@asynccontextmanager
async def start_webhook(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    handle: Handler,
) -> AsyncIterator[None]:
    """Listen for Telegram's posts, then tell Telegram where to post. Each post is answered only after its
    update committed (bot/telegram_webhook.py); requests without the secret header are refused with 403."""
    from bot.http_server import serving
    from bot.polling import ALLOWED_UPDATES
    from bot.telegram_webhook import webhook_app

    url = settings.require_webhook_url()
    secret = (
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    )
    app = webhook_app(urlsplit(url).path, secret, application.bot, handle)
    async with serving(app, settings.webhook_listen, settings.webhook_port):
        await application.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        yield


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The Telegram command menu, in every shipped language (failures are logged, not fatal)."""
    from telegram import BotCommand

    names = [c for c in REGISTRY.commands.values() if c.in_menu and c.standings & PARTICIPANTS]
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
    sender = ConsoleSender(stdout, files_dir or Path.cwd(), PictureRenderer.configured(settings.picture_font))
    limits = Limits(global_rate=1000, per_chat_interval=0)
    async with open_core(settings, sender, limits=limits) as core:
        await core.worker.recover()
        stdout.write(BANNER + "\n")
        stdout.flush()
        turn_lock = asyncio.Lock()  # a check-in prompt never interrupts the answer to a typed line
        done = asyncio.Event()

        async def drain() -> None:
            try:
                await core.worker.drain()
            except Exception as exc:  # the database is failing: keep going, crisis input still works
                log.error("could not deliver from the outbox (%s)", type(exc).__name__)

        async def deliver_scheduled() -> None:
            while not done.is_set():
                await core.worker.wait_for_work(1.0)
                async with turn_lock:
                    await drain()

        pump = asyncio.create_task(deliver_scheduled())
        try:
            lines = await read_lines(stdin)
            while (line := await lines.get()) is not None:
                event = parse_line(line, chat_id, sender.choices)
                if event is None:
                    continue
                async with turn_lock:
                    await core.dispatcher.dispatch(event)
                    await drain()
        finally:
            done.set()
            core.worker.wake()
            await pump
