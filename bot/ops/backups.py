"""Backups an operator keeps and restores: rotation of a backup folder, and a restore that checks the backup
first and refuses while the database is in use.

A restore holds SQLite's exclusive lock on the database for its whole length: SQLite gives it only when no
other connection has the file open (the running service always has), so it can neither overwrite a database
the service is using nor be overtaken by a service starting meanwhile."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from bot.settings import SettingsError

PREFIX = "companion-"
SUFFIX = ".db"
DMS_LOCK_BYTE = 128  # SQLite's unix VFS: (22 + 8) * 4 + 8, the "dead man switch" byte of the -shm file


class RestoreRefused(SettingsError):
    """The backup is not fit to restore, or the database is in use; the message says which and what to do."""


def stamped(folder: Path, now: datetime) -> Path:
    """A new backup's path in `folder`, named by the UTC time (sorts as it was made)."""
    return folder / f"{PREFIX}{now:%Y%m%d-%H%M%S-%f}{SUFFIX}"


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups this command made in `folder`; returns what it deleted."""
    made = sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.name[len(PREFIX) :][:8].isdigit())
    doomed = made[:-keep] if keep > 0 else made
    for path in doomed:
        path.unlink()
    return doomed


def shipped_migrations() -> set[str]:
    return {
        entry.name
        for entry in resources.files("storage.migrations").iterdir()
        if entry.name.endswith(".sql") and entry.name[:4].isdigit()
    }


@dataclass(frozen=True)
class BackupCheck:
    migrations: int  # applied in the backup
    missing: int  # shipped with this version and not yet applied in it (applied at the next start)


def check_backup(path: Path) -> BackupCheck:
    """The backup opens, passes SQLite's integrity check and is a companion database this version can run."""
    if not path.is_file():
        raise RestoreRefused(f"there is no backup at {path}")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as conn:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise RestoreRefused(
                    f"the backup {path} fails SQLite's integrity check: {'; '.join(result[:3])}"
                )
            applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    except sqlite3.DatabaseError as exc:
        what = "is no companion database" if "no such table" in str(exc) else "is damaged"
        raise RestoreRefused(f"the backup {path} {what} ({exc})") from None
    newer = applied - shipped_migrations()
    if newer:
        raise RestoreRefused(
            f"the backup {path} was made by a newer version of the companion (schema {sorted(newer)[-1]}); "
            "install that version, then restore"
        )
    return BackupCheck(len(applied), len(shipped_migrations() - applied))


def open_elsewhere(database: Path) -> bool:
    """Whether another process has the database open. In WAL mode (the service's) each open connection holds
    a shared lock on one byte of the `-shm` file (SQLite's DMS lock, byte 128), which an exclusive lock
    probe on that byte finds; SQLite's own lock on the database file would not show it."""
    shm = database.with_name(database.name + "-shm")
    if not shm.exists():
        return False
    fd = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, DMS_LOCK_BYTE)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, DMS_LOCK_BYTE)
        return False
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusively(database: Path) -> Iterator[sqlite3.Connection]:
    """The database, locked against every other connection until the block ends (a service starting
    meanwhile cannot read it and stops with an error instead of running on a half-restored file)."""
    refused = RestoreRefused(
        f"the database {database} is in use: stop the service first (systemctl stop companion) "
        "and close every other program that has it open, then restore"
    )
    if open_elsewhere(database):
        raise refused
    conn = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")  # the lock stays: exclusive locking mode keeps it until closing
        except sqlite3.OperationalError:
            raise refused from None
        yield conn
    finally:
        conn.close()


def restore(backup: Path, database: Path, now: datetime) -> Path | None:
    """Check `backup`, then copy it over `database` under the exclusive lock. The database as it was is kept
    beside it first; returns that copy's path (None when there was no database)."""
    check_backup(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    existed = database.exists()
    with exclusively(database) as target:
        kept = None
        if existed:
            kept = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            os.close(os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private from the start
            with contextlib.closing(sqlite3.connect(kept)) as copy:
                target.backup(copy)
        with contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro&immutable=1", uri=True)) as source:
            source.backup(target)
    return kept
