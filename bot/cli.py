"""The `companion` command: its parser, its logging, and the exit code each kind of trouble gives. The
subcommands live in `bot.commands`, one module per subject."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from bot.commands import (
    appointments,
    audit,
    coaches,
    invitations,
    locales,
    maintenance,
    organisations,
    privacy_record,
    service,
    stats,
    status,
    webhooks,
)
from bot.commands.parsing import Handler, Subparsers
from bot.settings import SettingsError, load_settings, settings_table
from dialogs.info.content import ContentError
from dialogs.info.conversation import content
from storage.database import DatabaseError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# In the order `companion --help` lists them.
SUBCOMMANDS: tuple[Callable[[Subparsers], None], ...] = (
    service.declare_run,
    service.declare_console,
    invitations.declare,
    maintenance.declare_db,
    appointments.declare,
    status.declare,
    maintenance.declare_keys,
    maintenance.declare_purge,
    organisations.declare,
    webhooks.declare,
    coaches.declare,
    audit.declare,
    privacy_record.declare,
    stats.declare,
    locales.declare,
)


def _not_a_proxy_page(record: logging.LogRecord) -> bool:
    """python-telegram-bot logs an error page that is not JSON (a 502 from Telegram's proxy) whole, with a
    traceback, at ERROR. The outbox already retries that message and logs it in one line."""
    return not record.getMessage().startswith("Can not load invalid JSON data")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    # httpx logs request URLs, which contain the bot token; python-telegram-bot logs update contents at DEBUG.
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    request_log = logging.getLogger("telegram.request.BaseRequest")
    if _not_a_proxy_page not in request_log.filters:
        request_log.addFilter(_not_a_proxy_page)


def build_parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {name:32} {meaning}" for name, _, meaning in settings_table())
    parser = argparse.ArgumentParser(
        prog="companion",
        description="A voluntary Telegram companion for job-centre health and addiction coaching programmes.",
        epilog=f"Settings (environment or .env):\n{settings_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for declare in SUBCOMMANDS:
        declare(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        content()  # the help information is checked before anything starts
        run: Handler = args.run  # set by the subcommand's parser
        return run(settings, args)
    except SettingsError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(
            f"companion: {exc}\nFix the files under locales/info (see locales/info/README.md).",
            file=sys.stderr,
        )
        return 4
    except DatabaseError as exc:
        print(
            f"companion: the database cannot be used: {exc}\nCheck COMPANION_DATABASE, or restore a backup.",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
