"""The database promises: WAL with full sync, foreign keys, migrations once, damaged files refused."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import invitations
from storage.database import Database, DatabaseError, _migrations

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_pragmas_and_migrations(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db, db.read() as tx:
        assert await tx.scalar("PRAGMA journal_mode") == "wal"
        assert await tx.scalar("PRAGMA synchronous") == 2  # FULL
        assert await tx.scalar("PRAGMA foreign_keys") == 1
        assert await tx.scalar("PRAGMA secure_delete") == 1
    async with await Database.open(tmp_path / "c.db") as db:
        assert await db.applied_migrations() == {name for _, name, _ in _migrations()}
        assert await db.upgrade() == []


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await invitations.create(tx, NOW, timedelta(days=1))
                raise RuntimeError("boom")
        async with db.read() as tx:
            assert await tx.scalar("SELECT COUNT(*) FROM invitations") == 0


async def test_a_damaged_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(DatabaseError):
        await Database.open(path)


async def test_invitation_codes_are_single_use_and_expire(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db, db.transaction() as tx:
        created = await invitations.create(tx, NOW, timedelta(days=14))
        assert len(created.code) >= 22
        stored = await tx.scalar("SELECT code_sha256 FROM invitations")
        assert created.code not in stored  # only a digest is kept
        found = await invitations.check(tx, created.code, NOW)
        assert found is not None and found.state is invitations.CodeState.VALID
        late = await invitations.check(tx, created.code, NOW + timedelta(days=15))
        assert late is not None and late.state is invitations.CodeState.EXPIRED
        assert await invitations.check(tx, "nope", NOW) is None


async def test_a_migration_merged_later_with_a_lower_number_is_still_applied(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "c.db") as db:
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM schema_migrations WHERE name = '0002_due.sql'")
            await tx.execute("DROP TABLE due")
        assert await db.upgrade() == ["0002_due.sql"]
        async with db.read() as tx:
            assert await tx.scalar("SELECT COUNT(*) FROM due") == 0


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual umask 022, which would leave new files readable by every local user."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(path: Path) -> dict[str, int]:
    """Permission bits of the database file and of its WAL and shared-memory files, where they exist."""
    found = {}
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{path}{suffix}")
        if target.exists():
            found[suffix or "db"] = stat.S_IMODE(target.stat().st_mode)
    return found


async def test_the_database_its_wal_and_backups_are_readable_by_the_service_only(
    tmp_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "c.db"
    async with await Database.open(path) as db:
        async with db.transaction() as tx:
            await invitations.create(tx, NOW, timedelta(days=1))
        assert modes(path) == {"db": 0o600, "-wal": 0o600, "-shm": 0o600}
        await db.backup(tmp_path / "backups" / "copy.db")
    copy = tmp_path / "backups" / "copy.db"
    assert modes(copy) == {"db": 0o600}
    async with await Database.open(copy) as opened, opened.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM invitations") == 1
    assert set(modes(copy).values()) == {0o600}


async def test_an_existing_database_with_wider_modes_is_tightened_at_open(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    async with await Database.open(path) as db, db.transaction() as tx:
        await invitations.create(tx, NOW, timedelta(days=1))
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{path}{suffix}")
        target.touch()
        target.chmod(0o664)
    async with await Database.open(path) as db, db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM invitations") == 1
        assert set(modes(path).values()) == {0o600}


async def test_opening_without_create_refuses_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "c.db"
    with pytest.raises(DatabaseError, match="no database at"):
        await Database.open(missing, create=False)
    assert not missing.parent.exists()


def _migrated_before(path: Path, number: int) -> sqlite3.Connection:
    """A database file as a release before migration `number` left it (applied and recorded)."""
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for migration, name, sql in _migrations():
        if migration < number:
            raw.executescript(sql)
            raw.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
    return raw


async def test_migration_0011_stops_whom_the_old_403_path_left_without_consent(tmp_path: Path) -> None:
    """Before 0011 a 403 on the goodbye made a stopped person unreachable, and their next message made them
    active again with every consent withdrawn. Whoever has the check-in consent withdrawn has stopped."""
    path = tmp_path / "old.db"
    raw = _migrated_before(path, 11)
    people = {1: ("active", 1), 2: ("unreachable", 0), 3: ("active", 0), 4: ("unreachable", 1)}
    for pid, (status, granted) in people.items():
        raw.execute(
            "INSERT INTO participants (id, pseudonym, chat_id, locale, timezone, status, enrolled_at,"
            " status_at) VALUES (?, ?, ?, 'de', 'Europe/Berlin', ?, ?, ?)",
            (pid, f"P-000{pid}", pid, status, NOW.isoformat(), NOW.isoformat()),
        )
        for answer in (1, 0)[: 2 - granted]:  # granted at enrolment, withdrawn by /stop for some
            raw.execute(
                "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at)"
                " VALUES (?, 'checkins', ?, 'v', 'h', 'de', ?)",
                (pid, answer, NOW.isoformat()),
            )
        raw.execute(
            "INSERT INTO due (participant_id, kind, key, due_at, grace_until, status, created_at)"
            " VALUES (?, 'checkin', 'checkin:morning:2026-11-24', ?, ?, 'pending', ?)",
            (pid, NOW.isoformat(), NOW.isoformat(), NOW.isoformat()),
        )
    raw.commit()
    raw.close()
    async with await Database.open(path) as db, db.read() as tx:
        rows = await tx.all("SELECT id, status FROM participants ORDER BY id")
        assert [tuple(row) for row in rows] == [
            (1, "active"),
            (2, "stopped"),
            (3, "stopped"),
            (4, "unreachable"),
        ]
        planned = await tx.all("SELECT participant_id FROM due WHERE status = 'pending' ORDER BY 1")
        assert [row[0] for row in planned] == [1, 4]


async def test_migration_0017_deletes_crisis_signals_nobody_could_withdraw(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    raw = _migrated_before(path, 17)
    raw.execute(
        "INSERT INTO participants (id, pseudonym, chat_id, locale, timezone, status, enrolled_at, status_at)"
        " VALUES (1, 'P-0001', 1, 'de', 'Europe/Berlin', 'active', ?, ?)",
        (NOW.isoformat(), NOW.isoformat()),
    )
    for kind in ("crisis_help_used", "contact_requested"):
        raw.execute(
            "INSERT INTO signals (participant_id, kind, created_at) VALUES (1, ?, ?)", (kind, NOW.isoformat())
        )
    raw.execute(
        "INSERT INTO consents (participant_id, scope, granted, text_version, text_sha256, locale, at)"
        " VALUES (1, 'crisis', 1, 'v', 'h', 'de', ?)",
        (NOW.isoformat(),),
    )
    raw.commit()
    raw.close()
    async with await Database.open(path) as db, db.read() as tx:
        kinds = await tx.all("SELECT kind FROM signals")
        assert [row[0] for row in kinds] == ["contact_requested"]
        assert len(await tx.all("SELECT 1 FROM consents WHERE scope = 'crisis'")) == 1
