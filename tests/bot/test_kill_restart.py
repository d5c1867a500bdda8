"""A real `companion run` process, killed with SIGKILL in the middle of delivering, then started again:
every due prompt still arrives, and a duplicate happens only where the log said it might."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.seed import CHAT_BASE, seed
from storage.database import Database

TOKEN = "777:KILLTEST"
PEOPLE = 120
ROOT = Path(__file__).resolve().parents[2]


class FakeServerProcess:
    """`python -m tests.fake_bot_api` in its own process, driven through its control endpoints."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fake_bot_api", "--port", "0", "--token", TOKEN],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line.startswith("READY "), line
        self.port = int(line.split()[1])

    def control(self, name: str, **params: object) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"http://127.0.0.1:{self.port}/_control/{name}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=10) as answer:
            body = json.load(answer)
        assert body["ok"], body
        return body["result"]

    def sent_chats(self) -> list[int]:
        return [int(m["chat_id"]) for m in self.control("sent") if m["method"] == "sendMessage"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], cwd=env["HOME"], env=env, stderr=handle
        )


def wait_until(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_sigkill_mid_delivery_loses_nothing(tmp_path: Path) -> None:
    database = tmp_path / "companion.db"
    await (await Database.open(database)).close()
    seed(database, PEOPLE, datetime.now(UTC) - timedelta(seconds=1))
    server = FakeServerProcess()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(
        {
            "COMPANION_TELEGRAM_TOKEN": TOKEN,
            "COMPANION_TELEGRAM_API_URL": f"http://127.0.0.1:{server.port}/bot",
            "COMPANION_DATABASE": str(database),
            "COMPANION_SWEEP_SECONDS": "0.5",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
        }
    )
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
