"""The fake Bot API and `companion run` as separate processes, for crash tests and benchmarks.

`python -m tests.fake_bot_api` runs in its own process and is driven through its `/_control/` endpoints,
so the bot can be killed with SIGKILL without taking the server (and its record of what was sent) along.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "777:KILLTEST"


class FakeServerProcess:
    """`python -m tests.fake_bot_api` with Telegram's limits (or the given ones)."""

    def __init__(
        self,
        token: str = TOKEN,
        global_rate: int = 30,
        per_chat_interval: float = 1.0,
        webhook_target: str | None = None,
    ) -> None:
        """`webhook_target`: once the bot sets a webhook, post updates there as Telegram does (again and
        again until the bot answers 2xx), instead of waiting to be polled."""
        self.token = token
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fake_bot_api",
                "--port",
                "0",
                "--token",
                token,
                "--global-rate",
                str(global_rate),
                "--per-chat-interval",
                str(per_chat_interval),
                *(("--webhook-target", webhook_target) if webhook_target else ()),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("READY "):
            self.process.kill()
            raise RuntimeError(f"the fake Bot API did not start: {line!r}")
        self.port = int(line.split()[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def control(self, name: str, **params: object) -> Any:
        """One control call (`push_message`, `push_callback`, `sent`, `stats`, `faults`, ...)."""
        query = urllib.parse.urlencode({k: str(v) for k, v in params.items()})
        url = f"http://127.0.0.1:{self.port}/_control/{name}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=60) as answer:  # a local server we started
            body = json.load(answer)
        if not body.get("ok"):
            raise RuntimeError(f"control {name} failed: {body}")
        return body["result"]

    def sent(self, since: int = 0) -> list[dict[str, Any]]:
        """Every accepted outgoing message (and edit) from the `since`-th on, in the order accepted."""
        records: list[dict[str, Any]] = self.control("sent", since=since)
        return records

    def sent_chats(self) -> list[int]:
        return [int(m["chat_id"]) for m in self.sent() if m["method"] == "sendMessage"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def bot_environment(database: Path, server: FakeServerProcess, **settings: str) -> dict[str, str]:
    """The environment of a `companion run` against `server`; `settings` become COMPANION_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env.update(
        {
            "COMPANION_TELEGRAM_TOKEN": server.token,
            "COMPANION_TELEGRAM_API_URL": server.api_url,
            "COMPANION_DATABASE": str(database),
            "PYTHONPATH": str(ROOT),
            **{f"COMPANION_{k.upper()}": v for k, v in settings.items()},
        }
    )
    return env


def start_bot(env: dict[str, str], log: Path, *arguments: str) -> subprocess.Popen[bytes]:
    """`companion run` (or another subcommand) with its log appended to `log`."""
    with log.open("ab") as handle:
        command = [sys.executable, "-m", "bot.cli", *(arguments or ("run",))]
        return subprocess.Popen(command, cwd=log.parent, env=env, stderr=handle)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds (a generous bound, not a measure)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
