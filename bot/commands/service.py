"""`companion run` (the Telegram bot, by long polling or a webhook) and `companion console` (the same
conversations in this terminal)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.commands.parsing import Subparsers, command
from bot.settings import Settings


def declare_run(sub: Subparsers) -> None:
    run = command(
        sub,
        "run",
        help="run the Telegram bot (long polling, or --webhook)",
        description="Run the Telegram bot with long polling, or as a webhook behind a reverse proxy. "
        "Needs COMPANION_TELEGRAM_TOKEN; --webhook also needs COMPANION_WEBHOOK_URL.",
        runs=run_bot,
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on COMPANION_WEBHOOK_LISTEN:COMPANION_WEBHOOK_PORT instead of polling",
    )


def declare_console(sub: Subparsers) -> None:
    console = command(
        sub,
        "console",
        help="talk to the bot in this terminal (no Telegram needed)",
        description="The same conversations in the terminal; buttons become numbers. "
        "Reads stdin, so input can be piped.",
        runs=run_in_terminal,
    )
    console.add_argument("--chat-id", type=int, default=0, help="pretend to be this chat (default 0)")


def run_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service import run_telegram

    token = settings.require_token()
    if args.webhook:
        settings.require_webhook_url()
    asyncio.run(run_telegram(settings, token, webhook=args.webhook))
    return 0


def run_in_terminal(settings: Settings, args: argparse.Namespace) -> int:
    from bot.service import run_console

    if settings.log_level == "INFO":
        logging.getLogger().setLevel(logging.WARNING)  # the terminal is the conversation
    asyncio.run(run_console(settings, sys.stdin, sys.stdout, chat_id=args.chat_id))
    return 0
