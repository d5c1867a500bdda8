"""Run the fake Bot API (`tests/fake_bot_api.py`) and `companion run` as separate processes for benchmarks.

The process helpers themselves live in `tests/processes.py` (the crash tests use them too)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.processes import FakeServerProcess, bot_environment, start_bot

TOKEN = "4321:BENCHMARK"

__all__ = ["FakeServer", "bot_environment", "cpu_seconds", "start_bot"]


class FakeServer(FakeServerProcess):
    """`python -m tests.fake_bot_api` with Telegram's limits (or the given global rate)."""

    def __init__(self, global_rate: int = 30, per_chat_interval: float = 1.0) -> None:
        super().__init__(TOKEN, global_rate, per_chat_interval)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
