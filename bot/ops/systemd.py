"""systemd's notify protocol over $NOTIFY_SOCKET (standard library only): READY=1 once the service takes
updates, WATCHDOG=1 while its event loop turns, STOPPING=1 at the end. Without $NOTIFY_SOCKET (not run
by systemd, or Type=simple) every call does nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)


def notify(message: str, environ: dict[str, str] | None = None) -> bool:
    """Send `message` (e.g. "READY=1") to systemd; False when there is no socket or sending failed."""
    env = os.environ if environ is None else environ
    path = env.get("NOTIFY_SOCKET", "")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path  # '@': an abstract socket (Linux)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError as exc:
        log.warning("could not notify systemd (%s)", type(exc).__name__)
        return False
    return True


def watchdog_interval(environ: dict[str, str] | None = None) -> float | None:
    """Seconds between two WATCHDOG=1 (half of WatchdogSec), None when systemd expects none."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


@contextlib.asynccontextmanager
async def watchdog(environ: dict[str, str] | None = None) -> AsyncIterator[None]:
    """Feed systemd's watchdog while the block runs: a wedged event loop stops feeding it, and systemd
    restarts the service after WatchdogSec."""
    interval = watchdog_interval(environ)
    if interval is None:
        yield
        return

    async def feed() -> None:
        while True:
            notify("WATCHDOG=1", environ)
            await asyncio.sleep(interval)

    task = asyncio.create_task(feed())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
