"""The one SQLite connection of the process: pragmas, migrations, serialised transactions.

SQLite has a single writer, so the service keeps one aiosqlite connection and hands out transactions one
at a time under an asyncio lock. Every write happens inside `Database.transaction()`; that is how one
incoming update, its replies and the record that it was handled commit together or not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)

Row = sqlite3.Row
T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]
BUSY_TIMEOUT_MS = 5000


class DatabaseError(RuntimeError):
    """The database cannot be used (corrupt file, failed integrity check, unreadable path)."""


class MissingDatabase(DatabaseError):
    """There is no database at the path, and the caller must not create one."""


# SQLite's primary result codes that say the database cannot store anything right now (locked, disk full,
# I/O error, file gone or damaged), as opposed to a statement the code got wrong.
UNAVAILABLE = frozenset({5, 6, 7, 8, 10, 11, 13, 14, 15, 26})  # BUSY LOCKED NOMEM READONLY IOERR CORRUPT
# FULL CANTOPEN PROTOCOL NOTADB


def unavailable(exc: BaseException) -> bool:
    """The database could not store the work (try again later), rather than the work being wrong."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.Error) and isinstance(code, int) and code & 0xFF in UNAVAILABLE


PRIVATE = 0o600  # the database, its WAL and shared memory, and backups: for the service's user only


def _private_file(path: Path) -> None:
    """Create `path` readable and writable by its owner only, whatever the umask, or take every permission
    beyond that from an existing file. SQLite gives the WAL and the shared-memory file the mode of the
    database file, so these follow."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    for target in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(target.stat().st_mode)
            if mode & ~PRIVATE:
                try:
                    target.chmod(mode & PRIVATE)
                except PermissionError:  # another user's file: say so, the owner has to fix it
                    log.warning("%s is readable by others (mode %o) and not ours to change", target, mode)


def _after(
    prelude: list[tuple[str, Params, bool]], fn: Callable[[sqlite3.Connection], T], raw: sqlite3.Connection
) -> T:
    for sql, params, many in prelude:
        (raw.executemany(sql, params) if many else raw.execute(sql, params)).close()
    return fn(raw)


def _is_select(sql: str) -> bool:
    return sql.lstrip()[:6].upper() == "SELECT"


class Tx:
    """A running transaction: the only way repositories touch the database.

    Each call is one trip to aiosqlite's database thread (statement, fetch and cursor close together):
    the trips, not SQLite, are what a busy sweep or a button press spends its time on. So the BEGIN goes
    with the first statement, in the same trip (a transaction that ran no statement costs none), and
    writes whose result nobody reads (`later`) go with the next statement or the commit. A SELECT through
    `all` asked again before anything was written is answered from memory: within a transaction nothing
    else can have changed its answer.
    """

    def __init__(self, conn: aiosqlite.Connection, begin: str) -> None:
        self._conn = conn
        self._prelude: list[tuple[str, Params, bool]] = [(begin, (), False)]
        self.begun = False
        self._selected: dict[tuple[str, tuple[Any, ...]], list[Row]] = {}

    def later(self, sql: str, params: Params = (), *, many: bool = False) -> None:
        """Queue a write whose result is not needed; it runs, in order, right before the next statement or
        the commit, in the same trip (an error in it fails that call, and so the transaction)."""
        self._selected.clear()
        self._prelude.append((sql, list(params) if many else params, many))

    async def _call(self, fn: Callable[[sqlite3.Connection], T], *, reads: bool = False) -> T:
        if not reads:
            self._selected.clear()
        prelude, self._prelude = self._prelude, []
        self.begun = True
        work = functools.partial(_after, prelude, fn) if prelude else fn
        result: T = await self._conn._execute(work, self._conn._conn)  # type: ignore[no-untyped-call]
        return result

    async def end(self, sql: str) -> None:
        """COMMIT (with the writes still queued) or ROLLBACK; nothing when no statement ever ran."""
        if self.begun or len(self._prelude) > 1:
            await self._call(lambda raw: raw.execute(sql).close())

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of changed rows."""

        def run(raw: sqlite3.Connection) -> int:
            cursor = raw.execute(sql, params)
            try:
                return cursor.rowcount
            finally:
                cursor.close()

        return await self._call(run)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT; returns the new row id."""

        def run(raw: sqlite3.Connection) -> int | None:
            cursor = raw.execute(sql, params)
            try:
                return cursor.lastrowid
            finally:
                cursor.close()

        row_id = await self._call(run)
        if row_id is None:
            raise DatabaseError("insert returned no row id")
        return row_id

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        def run(raw: sqlite3.Connection) -> None:
            raw.executemany(sql, rows).close()

        await self._call(run)

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        def run(raw: sqlite3.Connection) -> Row | None:
            cursor = raw.execute(sql, params)
            try:
                row: Row | None = cursor.fetchone()
                return row
            finally:
                cursor.close()

        return await self._call(run, reads=_is_select(sql))

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        def run(raw: sqlite3.Connection) -> list[Row]:
            cursor = raw.execute(sql, params)
            try:
                return list(cursor.fetchall())
            finally:
                cursor.close()

        if not _is_select(sql) or isinstance(params, dict):
            return await self._call(run)
        key = (sql, tuple(params))
        rows = self._selected.get(key)
        if rows is None:
            rows = await self._call(run, reads=True)
            self._selected[key] = rows
        return list(rows)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.one(sql, params)
        return None if row is None else row[0]


class Database:
    """Owns the connection. Use `async with await Database.open(path) as db:` or call `close()`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True, create: bool = True) -> Database:
        """Open (and with `create`, make) the database; its files are made private to the service's user."""
        path = Path(path)
        if str(path) != ":memory:":
            if not create and not path.exists():
                raise MissingDatabase(f"there is no database at {path} (nothing was created)")
            path.parent.mkdir(parents=True, exist_ok=True)
            _private_file(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot open database file {path}: {exc}") from exc
        db = cls(conn, path)
        try:
            conn.row_factory = sqlite3.Row
            await db._configure()
            await db._check_integrity()
            if migrate:
                await db.upgrade()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self) -> None:
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA secure_delete=ON",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
        ):
            try:
                await self._conn.execute(pragma)
            except sqlite3.DatabaseError as exc:
                raise DatabaseError(f"{self.path} is not a usable SQLite database: {exc}") from exc

    async def _check_integrity(self) -> None:
        cursor = await self._conn.execute("PRAGMA integrity_check")
        rows = await cursor.fetchall()
        await cursor.close()
        result = [row[0] for row in rows]
        if result != ["ok"]:
            raise DatabaseError(f"integrity check of {self.path} failed: {'; '.join(result[:5])}")

    async def applied_migrations(self) -> set[str]:
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL"
            " DEFAULT CURRENT_TIMESTAMP)"
        )
        cursor = await self._conn.execute("SELECT name FROM schema_migrations")
        rows = await cursor.fetchall()
        await cursor.close()
        return {row[0] for row in rows}

    async def upgrade(self) -> list[str]:
        """Apply every shipped migration not yet applied, in number order; returns the names applied.

        Applied migrations are recorded by name, so a migration merged later with a lower number than one
        already applied is still applied.
        """
        applied: list[str] = []
        done = await self.applied_migrations()
        for _, name, sql in _migrations():
            if name in done:
                continue
            async with self._lock:
                # executescript commits on its own; the BEGIN inside keeps the migration atomic.
                quoted = name.replace("'", "''")
                try:
                    await self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\n"
                        f"INSERT INTO schema_migrations (name) VALUES ('{quoted}');\nCOMMIT;"
                    )
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    raise DatabaseError(f"migration {name} failed: {exc}") from exc
            log.info("applied migration %s", name)
            applied.append(name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        async with self._lock:
            tx = Tx(self._conn, "BEGIN IMMEDIATE")
            try:
                yield tx
                await tx.end("COMMIT")
            except BaseException:
                await self._rollback()
                raise

    async def _rollback(self) -> None:
        """Roll back what is left: SQLite has already rolled back by itself after some errors (a full disk),
        and a failing ROLLBACK must not hide the error that caused it."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute("ROLLBACK")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read (a deferred transaction that writes nothing)."""
        async with self._lock:
            tx = Tx(self._conn, "BEGIN")
            try:
                yield tx
            finally:
                if self._conn.in_transaction:  # a BEGIN that failed leaves nothing to roll back
                    await self._conn.execute("ROLLBACK")

    async def checkpoint(self) -> bool:
        """Move the WAL into the main file and truncate it; False when a reader still needs old pages.

        Another connection's open read transaction (a backup, `companion status`, a shell) pins the log.
        The checkpoint then does not wait for it (the busy timeout would hold every other update for
        seconds): it reports False and the caller tries again later (see storage/checkpoints.py).
        """
        async with self._lock:
            await self._conn.execute("PRAGMA busy_timeout=0")
            try:
                cursor = await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = await cursor.fetchone()
                await cursor.close()
            finally:
                await self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        busy, frames, moved = row if row is not None else (0, 0, 0)
        return bool(busy == 0 and frames == moved)  # (0, 0, 0) once truncated; busy 1 while a reader holds it

    async def backup(self, target: Path) -> None:
        """A consistent copy of the whole database while the service keeps running (SQLite online backup)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        _private_file(target)
        async with aiosqlite.connect(target) as copy:
            async with self._lock:
                await self._conn.backup(copy)
            cursor = await copy.execute("PRAGMA integrity_check")
            row = await cursor.fetchone()
            await cursor.close()
        if row is None or row[0] != "ok":
            raise DatabaseError(f"the backup at {target} failed its integrity check")

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _migrations() -> list[tuple[int, str, str]]:
    """Migration files `NNNN_name.sql` shipped in `storage/migrations`, in number order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise DatabaseError(f"two migrations share a number: {sorted(numbers)}")
    return found
