"""The outbox's order and the cost of claiming from it: crisis cards first, and one chat's backlog costs
the others nothing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from storage import outbox
from storage.database import Database, Row, Tx
from tests.outbox_helpers import NOW, put


async def test_a_crisis_card_goes_before_every_backlog_of_answers_and_scheduled_messages(
    tmp_path: Path,
) -> None:
    async with await Database.open(tmp_path / "o.db") as db:
        async with db.transaction() as tx:
            for chat in range(1, 301):
                await put(tx, chat, "prompt")
                await put(tx, 1000 + chat, "answer", answer=True)
            for _ in range(20):
                await put(tx, 7, "answer to the flooding chat", answer=True)
            await put(tx, 7, "card for the flooding chat", crisis=True)
            await put(tx, 9, "card", crisis=True)
        async with db.read() as tx:
            first = await outbox.due(tx, NOW, 3)
        assert [m.text for m in first[:2]] == ["card for the flooding chat", "card"]
        assert first[2].text == "answer"


async def test_a_chats_next_message_follows_once_the_one_before_is_sent(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "o.db") as db:
        async with db.transaction() as tx:
            ids = [await put(tx, 5, f"m{n}", answer=True) for n in range(3)]
        sent: list[str] = []
        for _ in range(3):
            async with db.transaction() as tx:
                (message,) = await outbox.due(tx, NOW, 10)
                assert await outbox.mark_sending(tx, message.id)
            async with db.read() as tx:
                assert await outbox.due(tx, NOW, 10) == []  # nothing overtakes a message under way
            async with db.transaction() as tx:
                await outbox.mark_sent(tx, message.id, NOW)
            sent.append(message.text)
        assert sent == ["m0", "m1", "m2"] and len(ids) == 3
        async with db.transaction() as tx:
            retry = await put(tx, 6, "first")
            await put(tx, 6, "second")
            assert await outbox.mark_sending(tx, retry)
            await outbox.mark_retry(tx, retry, NOW + timedelta(minutes=1), "network")
        async with db.read() as tx:
            assert await outbox.due(tx, NOW, 10) == []  # the second waits for the first's retry
            assert [m.text for m in await outbox.due(tx, NOW + timedelta(minutes=1), 10)] == ["first"]
        async with db.transaction() as tx:
            await outbox.cancel_pending(tx, 6)
            await put(tx, 6, "after a withdrawal")
        async with db.read() as tx:
            assert [m.text for m in await outbox.due(tx, NOW, 10)] == ["after a withdrawal"]


class CountingTx:
    """Runs the outbox's queries on a plain connection and counts SQLite's virtual machine steps: a
    measure of work that does not depend on the machine's speed or load."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.steps = 0
        self.sql: list[str] = []

    def _step(self) -> int:
        self.steps += 1
        return 0

    async def all(self, sql: str, params: Any = ()) -> list[Row]:
        self.sql.append(sql)
        self.conn.set_progress_handler(self._step, 100)
        try:
            return list(self.conn.execute(sql, params).fetchall())
        finally:
            self.conn.set_progress_handler(None, 100)


async def claim_steps(tmp_path: Path, backlog: int) -> tuple[int, list[str]]:
    """Steps of one claim with 50 ordinary chats and one chat with `backlog` answers queued before them."""
    path = tmp_path / f"backlog{backlog}.db"
    async with await Database.open(path) as db, db.transaction() as tx:
        for n in range(backlog):
            await put(tx, 4242, f"flood {n}", answer=True)
        for chat in range(1, 51):
            await put(tx, chat, "answer", answer=True)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        counting = CountingTx(conn)
        found = await outbox.due(cast(Tx, counting), NOW, 500)
        assert len(found) == 51  # the flooding chat's first and everyone else's
        plan = [
            row[3]
            for sql in counting.sql
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql, (NOW.isoformat(), 500))
        ]
        return counting.steps, plan
    finally:
        conn.close()


async def test_claiming_costs_the_same_whether_one_chat_has_10_or_10000_rows_queued(tmp_path: Path) -> None:
    small, plan = await claim_steps(tmp_path, 10)
    large, _ = await claim_steps(tmp_path, 10_000)
    assert large <= small * 1.5 + 20, (small, large)
    # Through an index of the heads alone, never the whole table nor every queued row.
    assert all("USING INDEX outbox_heads" in line for line in plan), plan
    assert not any("TEMP B-TREE" in line for line in plan), plan  # read in order, no sort of all rows
