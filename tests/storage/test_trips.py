"""Fewer trips to the database thread change nothing a caller can see: queued writes are read back,
a SELECT answered from memory is never stale, a failing queued write still rolls everything back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.database import Database


async def names(db: Database) -> list[str]:
    async with db.read() as tx:
        return [row[0] for row in await tx.all("SELECT name FROM t ORDER BY name")]


async def setup(tmp_path: Path) -> Database:
    db = await Database.open(tmp_path / "c.db", migrate=False)
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE t (name TEXT PRIMARY KEY)")
    return db


async def test_a_queued_write_is_seen_by_the_next_select_and_committed(tmp_path: Path) -> None:
    db = await setup(tmp_path)
    try:
        async with db.transaction() as tx:
            assert await tx.all("SELECT name FROM t") == []
            tx.later("INSERT INTO t (name) VALUES (?)", ("a",))
            assert [row[0] for row in await tx.all("SELECT name FROM t")] == ["a"]
            await tx.execute("INSERT INTO t (name) VALUES ('b')")
            assert [row[0] for row in await tx.all("SELECT name FROM t")] == ["a", "b"]
            tx.later("INSERT INTO t (name) VALUES (?)", [("c",), ("d",)], many=True)
        assert await names(db) == ["a", "b", "c", "d"]
    finally:
        await db.close()


async def test_a_failing_queued_write_rolls_the_whole_transaction_back(tmp_path: Path) -> None:
    db = await setup(tmp_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t (name) VALUES ('a')")
                tx.later("INSERT INTO t (name) VALUES ('a')")  # fails only when it runs, at the commit
        assert await names(db) == []
        async with db.transaction() as tx:  # and the connection is usable again
            tx.later("INSERT INTO t (name) VALUES ('z')")
        assert await names(db) == ["z"]
    finally:
        await db.close()


async def test_a_savepoint_rolled_back_is_not_answered_from_memory(tmp_path: Path) -> None:
    db = await setup(tmp_path)
    try:
        async with db.transaction() as tx:
            await tx.execute("SAVEPOINT s")
            await tx.execute("INSERT INTO t (name) VALUES ('gone')")
            assert len(await tx.all("SELECT name FROM t")) == 1
            await tx.execute("ROLLBACK TO s")
            assert await tx.all("SELECT name FROM t") == []
            await tx.execute("RELEASE s")
        assert await names(db) == []
    finally:
        await db.close()
