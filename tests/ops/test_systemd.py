"""The unit file passes `systemd-analyze verify`, and a real `companion run` speaks systemd's notify protocol:
READY=1 once it takes updates, WATCHDOG=1 while it runs, STOPPING=1 at the end, to a fake $NOTIFY_SOCKET."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ops import systemd
from bot.service import run_telegram
from bot.settings import Settings
from tests.bot.conftest import TOKEN
from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "companion.service"
INSTALLED = "/opt/companion/venv/bin/companion"


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        sock.setblocking(False)
        yield sock, path


def received(sock: socket.socket) -> list[str]:
    messages = []
    with contextlib.suppress(BlockingIOError):
        while True:
            messages.append(sock.recv(4096).decode())
    return messages


def test_the_unit_has_the_options_an_it_department_expects() -> None:
    lines = {
        line.split("=", 1)[0]: line.split("=", 1)[1]
        for line in UNIT.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert lines["Type"] == "notify" and int(lines["WatchdogSec"]) > 0
    assert lines["ProtectSystem"] == "strict" and lines["NoNewPrivileges"] == "yes"
    assert lines["StateDirectory"] == "companion" and lines["User"] == "companion"
    assert "companion_telegram_token:" in UNIT.read_text()  # LoadCredential, named as the setting
    assert lines["ExecStart"].startswith(INSTALLED)


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (.ci/run installs systemd where it can)")
    # verify checks that ExecStart exists: point it at this environment's `companion` instead of /opt.
    executable = Path(sys.executable).parent / "companion"
    assert executable.exists()
    unit = tmp_path / "companion.service"
    unit.write_text(UNIT.read_text().replace(INSTALLED, str(executable)))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "companion.service" not in result.stderr, result.stderr  # no warning about this unit


def test_nothing_is_sent_without_a_notify_socket() -> None:
    assert systemd.notify("READY=1", {}) is False
    assert systemd.watchdog_interval({}) is None
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}) is None  # not us
    assert systemd.watchdog_interval({"WATCHDOG_USEC": "60000000"}) == 30.0


async def test_a_real_run_tells_systemd_it_is_ready_feeds_the_watchdog_and_says_it_stops(
    tmp_path: Path, notify_socket: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sock, path = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "100000")  # WatchdogSec=0.1 s: fed every 50 ms
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    with FakeBotApi(token=TOKEN, username="companion_test_bot", enforce_limits=False) as server:
        settings = Settings(
            telegram_token=TOKEN,
            telegram_api_url=server.base_url,
            database=tmp_path / "companion.db",
            _env_file=None,  # type: ignore[call-arg]
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run_telegram(settings, TOKEN, stop))
        seen: list[str] = []
        try:
            for _ in range(1500):  # up to 30 s on a busy machine
                seen += received(sock)
                if any(m.startswith("READY=1") for m in seen) and seen.count("WATCHDOG=1") >= 3:
                    break
                await asyncio.sleep(0.02)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)
        seen += received(sock)
    ready = [m for m in seen if m.startswith("READY=1")]
    assert ready == ["READY=1\nSTATUS=polling Telegram"]
    assert seen.count("WATCHDOG=1") >= 3
    assert seen[-1] == "STOPPING=1"
    assert server.stats.requests.get("getUpdates")  # it was ready because it polled
