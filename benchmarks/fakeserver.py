"""Run the fake Bot API (`tests/fake_bot_api.py`) and `companion run` as separate processes for benchmarks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "4321:BENCHMARK"


class FakeServer:
    """`python -m tests.fake_bot_api` with Telegram's limits (or the given global rate)."""

    def __init__(self, global_rate: int = 30, per_chat_interval: float = 1.0) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fake_bot_api",
                "--port",
                "0",
                "--token",
                TOKEN,
                "--global-rate",
                str(global_rate),
                "--per-chat-interval",
                str(per_chat_interval),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"the fake Bot API did not start: {line!r}")
        self.port = int(line.split()[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def control(self, name: str, query: str = "") -> Any:
        url = f"http://127.0.0.1:{self.port}/_control/{name}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=60) as answer:  # a local server we started
            body = json.load(answer)
        if not body.get("ok"):
            raise RuntimeError(f"control {name} failed: {body}")
        return body["result"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def bot_environment(database: Path, server: FakeServer, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(
        {
            "COMPANION_TELEGRAM_TOKEN": TOKEN,
            "COMPANION_TELEGRAM_API_URL": server.api_url,
            "COMPANION_DATABASE": str(database),
            "PYTHONPATH": str(ROOT),
            **{f"COMPANION_{k.upper()}": v for k, v in extra.items()},
        }
    )
    return env


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], cwd=log.parent, env=env, stderr=handle
        )
