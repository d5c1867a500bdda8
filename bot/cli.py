"""The `companion` command: its parser, its logging, and the exit code each kind of trouble gives. The
subcommands live in `bot.commands`, one module per subject."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from bot.commands import (
    appointments,
    audit,
    coaches,
    invitations,
    locales,
    maintenance,
    organisations,
    privacy_record,
    report,
    service,
    stats,
    status,
    webhooks,
)
from bot.commands.parsing import Handler, Subparsers
from bot.ops import preflight
from bot.ops.json_logs import JsonFormatter
from bot.settings import ConfigError, SettingsError, load_settings, settings_table
from dialogs.info.content import ContentError
from dialogs.info.conversation import content
from storage.database import DatabaseError

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Exit codes (README, "Exit codes"): what went wrong, so a service manager or a script can tell.
EXIT_FAILED = 1  # the command ran and reports a failure (a dead or unready service, a broken audit chain)
EXIT_USAGE = 2  # the command line is wrong (argparse's code too): an unknown option, a name that is not there
EXIT_DATABASE = 3  # the database cannot be used, or is not there
EXIT_CONTENT = 4  # the help content files are invalid
EXIT_CONFIG = 78  # a setting is missing or wrong (sysexits' EX_CONFIG): fix the environment or credentials

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
    report.declare,
    locales.declare,
)


def _not_a_proxy_page(record: logging.LogRecord) -> bool:
    """python-telegram-bot logs an error page that is not JSON (a 502 from Telegram's proxy) whole, with a
    traceback, at ERROR. The outbox already retries that message and logs it in one line."""
    return not record.getMessage().startswith("Can not load invalid JSON data")


def configure_logging(level: str, form: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=form == "json")
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
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for declare in SUBCOMMANDS:
        declare(sub)
    return parser


def installed_version() -> str:
    try:
        return version("companion")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        preflight.check_sqlite()
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        seen = {**preflight.env_file_names(), **os.environ}
        for warning in preflight.unknown_variables((name for name, _, _ in settings_table()), seen):
            logging.getLogger("companion").warning("%s", warning)
        content()  # the help information is checked before anything starts
        run: Handler = args.run  # set by the subcommand's parser
        try:
            return run(settings, args)
        except (OSError, sqlite3.OperationalError) as exc:
            preflight.check_writable(settings.database)  # names the path and what to do, if that is it
            if isinstance(exc, sqlite3.OperationalError):
                raise DatabaseUnusable(str(exc)) from exc
            raise
    except ConfigError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except SettingsError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print(
            f"companion: {exc}\nFix the files under locales/info (see locales/info/README.md).",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    except (DatabaseError, DatabaseUnusable) as exc:
        print(
            f"companion: the database cannot be used: {exc}\nCheck COMPANION_DATABASE, or restore a backup.",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130


class DatabaseUnusable(Exception):
    """SQLite refused the database in the middle of a command (not a path problem)."""


if __name__ == "__main__":
    sys.exit(main())
