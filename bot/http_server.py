"""uvicorn serving an ASGI app as a task in the service's event loop: Telegram's webhook posts, the web case
view, the operators' endpoints.

X-Forwarded-For and X-Forwarded-Proto are applied by uvicorn only when the direct peer is one of `proxies`
(for the web view COMPANION_WEB_TRUSTED_PROXIES); from anyone else they are ignored, so nobody can pretend
another address to escape login throttling.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

SHUTDOWN_GRACE = 5  # seconds a request being answered (a post being handled) gets to finish at the stop


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # SIGTERM and SIGINT belong to the service, which stops the server itself


@contextlib.asynccontextmanager
async def serving(
    app: ASGIApp, host: str, port: int, proxies: frozenset[str] = frozenset()
) -> AsyncIterator[None]:
    """Listen on `host:port` until the block ends; the socket is bound before the block starts, so
    whatever follows (telling Telegram the address) finds the listener ready."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family)  # SO_REUSEADDR: quick restarts
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="off",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=sorted(proxies),
        server_header=False,
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                await task
                raise RuntimeError(f"the HTTP server on {host}:{port} did not start")
            await asyncio.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        await task
        listener.close()
