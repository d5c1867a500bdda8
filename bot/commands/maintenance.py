"""Keeping the data in order: `companion db` (migrations, backups), `companion keys` (the keys that encrypt
free text at rest) and `companion purge` (the daily upkeep, run now)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands.in_database import in_database
from bot.commands.parsing import Subparsers, actions, command
from bot.ops import backups
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
        "`companion run` is running. PATH is a new file, or a folder: then the copy is named "
        "companion-YYYYMMDD-HHMMSS-micro.db (UTC) in it, and --keep N deletes all but the newest N such "
        "copies there. Restore with `companion db restore`.",
        runs=backup,
    )
    backup_parser.add_argument("path", type=Path, help="a new file, or a folder for dated copies")
    backup_parser.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="with a folder: keep only the newest N dated copies in it (this one included)",
    )
    restore_parser = command(
        db_sub,
        "restore",
        help="replace the database with a backup (the service must be stopped)",
        description="Replace COMPANION_DATABASE with BACKUP. Refuses while the database is open anywhere "
        "(stop the service first), and unless the backup passes SQLite's integrity check and was made by "
        "this version or an older one (older ones are brought up to date). The database as it was is kept "
        "beside it as <name>.before-restore-<UTC time>.",
        runs=restore_backup,
    )
    restore_parser.add_argument("backup", type=Path, help="the backup file to restore")


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
    keep: int | None = args.keep
    folder = target.is_dir()
    if keep is not None and (not folder or keep < 1):
        raise SettingsError(
            "--keep N needs a folder as PATH and N of 1 or more (dated copies are kept there)."
        )
    if folder:
        target = backups.stamped(target, SystemClock().now())
    if target.exists():
        raise SettingsError(f"{target} exists already; choose a new file name so no backup is overwritten.")
    if target.resolve() == settings.database.resolve():
        raise SettingsError("the backup must go to another file than COMPANION_DATABASE.")

    in_database(settings, lambda db: db.backup(target), create=False)
    print(f"backup written to {target}")
    if keep is not None:
        for old in backups.rotate(target.parent, keep):
            print(f"deleted the older backup {old}")
    return 0


def restore_backup(settings: Settings, args: argparse.Namespace) -> int:
    source: Path = args.backup
    if source.resolve() == settings.database.resolve():
        raise SettingsError("the backup to restore must be another file than COMPANION_DATABASE.")
    checked = backups.check_backup(source)
    kept = backups.restore(source, settings.database, SystemClock().now())
    if kept is not None:
        print(f"the database as it was is kept at {kept}")
    applied = in_database(settings, Database.upgrade, migrate=False)  # integrity checked again on opening
    print(
        f"restored {source} to {settings.database} ({checked.migrations} schema migrations"
        + (f", {len(applied)} applied now" if applied else "")
        + "); start the service again"
    )
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
