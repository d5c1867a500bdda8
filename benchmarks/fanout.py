"""Fan-out: N participants with a check-in due in the same moment, through the whole bot.

A real `companion run` process (python-telegram-bot, SQLite, scheduler, outbox) sends to the fake Bot
API in another process, which enforces Telegram's limits (30 messages per second overall, one per second
per chat) and answers 429 when they are crossed. Prints delivered, lost, duplicated, 429s received, the
achieved rate divided by the limit and the lateness (time from the due moment to the server accepting the
message) at the 50th and 99th percentile.

    uv run python -m benchmarks.fanout                 # 10,000 participants at Telegram's 30/s
    uv run python -m benchmarks.fanout --rate 300      # the limit at ten times Telegram's
    uv run python -m benchmarks.fanout --quick         # 1,000 participants, under a minute

Targets: 0 lost, 0 duplicated, 0 429s, at least 0.95 of the limit (0.9 at 300/s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.fakeserver import FakeServer, bot_environment, cpu_seconds, start_bot
from benchmarks.seed import CHAT_BASE, seed
from storage.database import Database

LEAD = timedelta(seconds=4)  # the rows fall due this long after seeding, while the bot is starting


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(participants: int, rate: int, timeout: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fanout-") as folder:
        database = Path(folder) / "companion.db"
        asyncio.run(_schema(database))
        server = FakeServer(global_rate=rate)
        try:
            due_at = datetime.now(UTC) + LEAD
            due_mono = time.monotonic() + LEAD.total_seconds()  # the server stamps with CLOCK_MONOTONIC
            seed(database, participants, due_at)
            env = bot_environment(database, server, global_rate=str(rate), log_level="INFO")
            log = Path(folder) / "bot.log"
            bot = start_bot(env, log)
            deadline = time.monotonic() + timeout
            try:
                while time.monotonic() < deadline:
                    if server.control("stats")["sent"] >= participants:
                        break
                    time.sleep(0.5)
                time.sleep(2.0)  # anything extra (a duplicate) would arrive now
                cpu = cpu_seconds(bot.pid)
            finally:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=60)
            stats = server.control("stats")
            cpu = cpu if "cpu" in locals() else float("nan")
            sent = [m for m in server.control("sent") if m["method"] == "sendMessage"]
        finally:
            server.stop()
        lines = log.read_text().splitlines()
        problems = [line for line in lines if "ERROR" in line or "Traceback" in line]
        sweeps = [
            line.split("bot.scheduler: ")[1]
            for line in lines
            if "bot.scheduler: " in line and "sweep" in line
        ]
    wanted = {CHAT_BASE + i for i in range(1, participants + 1)}
    per_chat = Counter(int(m["chat_id"]) for m in sent if int(m["chat_id"]) in wanted)
    times = sorted(float(m["at"]) for m in sent)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    lateness = [float(m["at"]) - due_mono for m in sent]
    return {
        "participants": participants,
        "delivered": len(per_chat),
        "lost": len(wanted) - len(per_chat),
        "duplicated": sum(per_chat.values()) - len(per_chat),
        "429s": stats["rate_limited"] + stats["errors"].get("429", 0),
        "rate": (len(times) - 1) / span if span == span and span > 0 else float("nan"),
        "limit": rate,
        "p50": percentile(lateness, 0.50),
        "p99": percentile(lateness, 0.99),
        "errors_logged": len(problems),
        "cpu_per_message_ms": 1000 * cpu / max(1, len(sent)),
        "load": os.getloadavg()[0],
        "sweeps": sweeps[:3],  # type: ignore[dict-item]
        "problems": problems[:5],  # type: ignore[dict-item]
    }


async def _schema(database: Path) -> None:
    await (await Database.open(database)).close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=30, help="the global limit, messages per second")
    parser.add_argument("--quick", action="store_true", help="1,000 participants (under a minute at 30/s)")
    args = parser.parse_args()
    participants = 1_000 if args.quick else args.participants
    timeout = 120 + 2.0 * participants / args.rate
    result = run(participants, args.rate, timeout)
    print(f"participants       {result['participants']:.0f}")
    print(f"delivered          {result['delivered']:.0f}")
    print(f"lost               {result['lost']:.0f}")
    print(f"duplicated         {result['duplicated']:.0f}")
    print(f"429s received      {result['429s']:.0f}")
    share = result["rate"] / result["limit"]
    print(f"achieved rate      {result['rate']:.1f}/s of {result['limit']:.0f}/s = {share:.3f} of the limit")
    print(f"lateness p50       {result['p50']:.1f} s")
    print(f"lateness p99       {result['p99']:.1f} s")
    print(f"errors in the log  {result['errors_logged']:.0f}")
    print(f"bot CPU per prompt {result['cpu_per_message_ms']:.2f} ms (sweep, outbox and sending together)")
    print(f"load average       {result['load']:.2f} (other processes on the machine slow the figures down)")
    for line in result["sweeps"]:  # type: ignore[attr-defined]
        print(f"  {line}")
    for line in result["problems"]:  # type: ignore[attr-defined]
        print(f"  {line[:200]}")


if __name__ == "__main__":
    main()
