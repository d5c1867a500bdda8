"""Start-up: a real `companion run` process with 10,000 participants and 50,000 pending due rows.

Measures the time from starting the process to the end of its first sweep of due rows, and the peak
memory (VmHWM) of the process over its first seconds, including the planning job that runs shortly after
start and touches every participant.

    uv run python -m benchmarks.startup
    uv run python -m benchmarks.startup --participants 20000 --rows-each 5

Targets: first sweep under 2 s, peak memory under 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.fakeserver import FakeServer, bot_environment, cpu_seconds, start_bot
from benchmarks.seed import seed
from storage.database import Database

WATCH = 12.0  # seconds of watching memory after start (the planning job starts after 5 s)


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(participants: int, rows_each: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="startup-") as folder:
        database = Path(folder) / "companion.db"
        asyncio.run(_schema(database))
        # One row per person due tomorrow morning plus `rows_each - 1` later ones: pending, none due yet.
        seed(database, participants, datetime.now(UTC) + timedelta(hours=20), future_rows_each=rows_each - 1)
        size = database.stat().st_size / 1024 / 1024
        server = FakeServer()
        log = Path(folder) / "bot.log"
        try:
            env = bot_environment(database, server, log_level="INFO")
            started = time.monotonic()
            bot = start_bot(env, log)
            first_sweep = cpu = float("nan")
            try:
                while time.monotonic() - started < 30:
                    if "first sweep done" in log.read_text():
                        first_sweep = time.monotonic() - started
                        cpu = cpu_seconds(bot.pid)
                        break
                    time.sleep(0.01)
                memory_at_sweep = peak_memory_mb(bot.pid)
                time.sleep(max(0.0, WATCH - (time.monotonic() - started)))
                memory = peak_memory_mb(bot.pid)
                planned = "planned the coming days" in log.read_text()
            finally:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=60)
        finally:
            server.stop()
    return {
        "participants": participants,
        "due_rows": participants * rows_each,
        "database_mb": size,
        "first_sweep_s": first_sweep,
        "first_sweep_cpu_s": cpu,
        "load": os.getloadavg()[0],
        "peak_mb_at_first_sweep": memory_at_sweep,
        "peak_mb": memory,
        "planning_job_ran": float(planned),
    }


async def _schema(database: Path) -> None:
    await (await Database.open(database)).close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--rows-each", type=int, default=5, help="pending due rows per participant")
    args = parser.parse_args()
    result = run(args.participants, args.rows_each)
    print(f"participants            {result['participants']:.0f}")
    print(f"pending due rows        {result['due_rows']:.0f}")
    print(f"database file           {result['database_mb']:.1f} MB")
    print(f"start to first sweep    {result['first_sweep_s']:.2f} s")
    print(f"CPU time until then     {result['first_sweep_cpu_s']:.2f} s (what an idle machine would take)")
    print(f"peak memory then        {result['peak_mb_at_first_sweep']:.1f} MB")
    print(f"peak memory ({WATCH:.0f} s)      {result['peak_mb']:.1f} MB (including the planning job)")
    print(f"planning job ran        {'yes' if result['planning_job_ran'] else 'no'}")
    print(
        f"load average            {result['load']:.2f} (other processes on the machine slow the figures down)"
    )


if __name__ == "__main__":
    main()
