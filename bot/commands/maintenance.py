"""Keeping the data in order: `companion db` (migrations, backups), `companion keys` (the keys that encrypt
free text at rest) and `companion purge` (the daily upkeep, run now)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.in_database import in_database
from bot.commands.parsing import Subparsers, actions, command
from bot.settings import ConfigError, Settings, SettingsError
from dialogs.core.clock import SystemClock
from dialogs.privacy.upkeep import DailyResult, run_daily
from storage import appointments, checkpoints, selfreports
from storage.database import Database
from storage.sealing import Sealer, new_key


def declare_db(sub: Subparsers) -> None:
    db_sub = actions(sub, "db", help="database maintenance", description="Database maintenance.")
    command(
        db_sub,
        "upgrade",
        help="apply schema migrations (also done at every start)",
        description="Apply schema migrations.",
        runs=upgrade,
    )
    backup_parser = command(
        db_sub,
        "backup",
        help="write a consistent copy of the database, also while running",
        description="Write a consistent copy of the database (SQLite online backup). Safe while "
        "`companion run` is running. To restore, stop the service and copy the backup over "
        "COMPANION_DATABASE.",
        runs=backup,
    )
    backup_parser.add_argument("path", type=Path, help="where to write the copy (must not exist)")


def declare_keys(sub: Subparsers) -> None:
    keys_sub = actions(
        sub,
        "keys",
        help="encryption keys for free text at rest",
        description="Keys for free text at rest (COMPANION_ENCRYPTION_KEYS, comma-separated, newest first).",
    )
    command(
        keys_sub,
        "new",
        help="print a fresh key",
        description="Print a fresh key. Put it first in COMPANION_ENCRYPTION_KEYS and keep the old keys "
        "behind it until `companion keys rotate` has run.",
        runs=print_new_key,
    )
    command(
        keys_sub,
        "rotate",
        help="re-encrypt every stored text with the newest key",
        description="Re-encrypt every stored free text (self-report notes, appointment places and notes) "
        "with the first key of COMPANION_ENCRYPTION_KEYS, and encrypt appointment places and notes that "
        "were stored as plain text before they were encrypted. Afterwards the older keys can be removed. "
        "Stop the bot first or run it at a quiet time.",
        runs=rotate_keys,
    )


def declare_purge(sub: Subparsers) -> None:
    command(
        sub,
        "purge",
        help="run the daily upkeep now: delete expired answers, check coach rules",
        description="Delete raw self-report answers older than COMPANION_RETENTION_DAYS (weekly "
        "aggregates stay) and raise the no-check-in signals participants asked for. The running bot "
        "does this daily; this command is for cron or a manual run.",
        runs=purge,
    )


def upgrade(settings: Settings, args: argparse.Namespace) -> int:
    applied = in_database(settings, Database.upgrade, migrate=False)
    print("\n".join(f"applied {name}" for name in applied) or "the database is up to date")
    return 0


def backup(settings: Settings, args: argparse.Namespace) -> int:
    target: Path = args.path
    if target.exists():
        raise SettingsError(f"{target} exists already; choose a new file name so no backup is overwritten.")
    if target.resolve() == settings.database.resolve():
        raise SettingsError("the backup must go to another file than COMPANION_DATABASE.")

    in_database(settings, lambda db: db.backup(target), create=False)
    print(f"backup written to {target}")
    return 0


def print_new_key(settings: Settings, args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def rotate_keys(settings: Settings, args: argparse.Namespace) -> int:
    keys = settings.key_list
    if not keys:
        raise ConfigError(
            "COMPANION_ENCRYPTION_KEYS is not set. Make a key with `companion keys new` and set it first."
        )

    async def rotate(db: Database) -> tuple[int, int, appointments.Resealed]:
        async with db.transaction() as tx:
            sealer = Sealer(keys)
            rotated, unreadable = await selfreports.rotate_notes(tx, sealer)
            texts = await appointments.rotate_text(tx, sealer)
            await checkpoints.owe(tx)  # the copies under the old keys leave the log, too
        if not await checkpoints.settle(db):
            print("a reader holds the database log: the old copies go at the service's next sweep")
        return rotated, unreadable, texts

    notes, unreadable_notes, texts = in_database(settings, rotate)
    rotated = notes + texts.rotated
    unreadable = unreadable_notes + texts.unreadable
    print(
        f"re-encrypted {rotated} stored texts with the newest key "
        f"({notes} self-report notes, {texts.rotated} appointment places and notes)"
    )
    print(f"encrypted {texts.sealed_legacy} appointment places and notes stored as plain text before")
    if unreadable:
        print(
            f"{unreadable} stored texts could not be opened with any configured key and were left as they "
            "are: add the key they were written with to COMPANION_ENCRYPTION_KEYS and run this again",
            file=sys.stderr,
        )
        return 1
    return 0


def purge(settings: Settings, args: argparse.Namespace) -> int:
    async def upkeep(db: Database) -> DailyResult:
        return await run_daily(db, SystemClock().now(), settings.engine_config())

    result = in_database(settings, upkeep)
    for kind, count in result.deleted.items():
        print(f"deleted {count:6} {kind}")
    print(f"erased {result.erased} people who stopped or could not be reached long ago")
    print(f"raised {result.signals} no-check-in signals")
    return 0
