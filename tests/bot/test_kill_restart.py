"""A real `companion run` process, killed with SIGKILL in the middle of delivering, then started again:
every due prompt still arrives, and a duplicate happens only where the log said it might."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.seed import CHAT_BASE, seed
from storage.database import Database
from tests.processes import FakeServerProcess, bot_environment, start_bot, wait_until

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

PEOPLE = 120


async def test_sigkill_mid_delivery_loses_nothing(tmp_path: Path) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, PEOPLE, datetime.now(UTC) - timedelta(seconds=1))
    server = FakeServerProcess()
    env = bot_environment(database, server, sweep_seconds="0.5")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    bot = start_bot(env, first_log)
    try:
        wait_until(lambda: len(server.sent_chats()) >= PEOPLE // 3, 60, "the first third to be delivered")
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
        delivered_before = len(server.sent_chats())
        assert delivered_before < PEOPLE, "killed too late to test anything"

        bot = start_bot(env, second_log)
        wanted = {CHAT_BASE + i for i in range(1, PEOPLE + 1)}
        wait_until(lambda: wanted <= set(server.sent_chats()), 90, "every prompt after the restart")
        time.sleep(1.0)  # anything more (a duplicate) would arrive now
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=30) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
        stats = server.control("stats")
        chats = Counter(server.sent_chats())
        server.stop()

    assert set(chats) == wanted  # nothing lost
    duplicates = sum(count - 1 for count in chats.values())
    logged = second_log.read_text().count("possible duplicate")
    assert duplicates <= logged, (duplicates, logged)
    assert stats["requests"].get("sendMessage", 0) >= PEOPLE
    async with await Database.open(database) as db, db.read() as tx:
        due_states = {
            tuple(r)
            for r in await tx.all(
                "SELECT kind, status FROM due WHERE kind = 'checkin' AND due_at <= ?",
                (datetime.now(UTC).isoformat(timespec="microseconds"),),
            )
        }
        outbox_states = {r[0] for r in await tx.all("SELECT DISTINCT status FROM outbox")}
        swept = await tx.scalar("SELECT COUNT(*) FROM checkins WHERE status = 'open'")
    assert due_states == {("checkin", "done")}
    assert outbox_states == {"sent"}
    assert swept == PEOPLE
    assert "Traceback" not in first_log.read_text() + second_log.read_text()
