"""SIGTERM ends a real `companion run` at once, even while Telegram's 429 has paused all sending."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from benchmarks.seed import seed
from storage.database import Database
from tests.processes import FakeServerProcess, bot_environment, start_bot, wait_until

pytestmark = pytest.mark.slow  # `uv run pytest -m "not slow"` leaves it out of the everyday loop

RETRY_AFTER = 300  # seconds Telegram asks for; the bound is raised above it, so the whole pause is honoured


async def test_sigterm_during_a_long_429_pause_ends_the_process_well_before_the_pause(tmp_path: Path) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, 5, datetime.now(UTC) - timedelta(seconds=1))  # five check-in prompts due now
    server = FakeServerProcess()
    server.control(
        "faults", fail_next=json.dumps({"method": "sendMessage", "status": 429, "retry_after": RETRY_AFTER})
    )
    env = bot_environment(database, server, sweep_seconds="0.5", max_retry_after=str(RETRY_AFTER * 2))
    log = tmp_path / "bot.log"
    bot = start_bot(env, log)
    try:
        wait_until(lambda: server.control("stats")["errors"].get("429", 0) >= 1, 60, "Telegram's 429")
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=60) == 0  # a generous bound, far below the 300 s pause
    finally:
        if bot.poll() is None:
            bot.kill()
        server.stop()
    assert "waiting 300 s" in log.read_text()  # it really was in the pause
    async with await Database.open(database) as db, db.read() as tx:
        assert await tx.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sending'") == 0
