"""HTTP/1.1 to the Bot API over kept-alive connections: a lean `BaseRequest` for python-telegram-bot.

python-telegram-bot's `HTTPXRequest` goes through httpx, httpcore, h11 and anyio for every call, and
writes a request's head and body separately (two wake-ups of the server). Per button press (its
acknowledgement and its answer) that was about 3 of the 5 ms of CPU the event loop spent (see
benchmarks/README.md, "Faster presses"). This class speaks the little HTTP the Bot API needs itself: a
POST with a JSON body (Telegram takes JSON for every method except uploads) written in one piece, and the
response read by bot/http_response.py. TLS is the standard library's, with the CA certificates httpx
trusts. Connections are kept alive and reused, newest first, and closed when the server says so, when it
closed them, or after `KEEP_ALIVE` idle seconds.

Left to the `HTTPXRequest` it holds (`fallback`): uploads (multipart), anything but POST (file
downloads), and every request to an origin for which the environment names a proxy (`HTTPS_PROXY`,
`ALL_PROXY`, ...; httpx honours them, this class does not speak to proxies).

Errors are raised as `HTTPXRequest` raises them, so python-telegram-bot and the outbox treat them alike:
`TimedOut` when connecting, waiting for a free connection, or waiting for the answer took too long (the
read timeout, counted from handing the request to the socket, whose buffer takes a JSON request whole;
the write timeout is for uploads, which httpx sends);
`NetworkError` otherwise, as `NotConnected` when the request never left (nothing can have arrived) and
as `AnswerLost` when the connection broke after it did (Telegram may have taken it).
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.http_response import BadResponse, ResponseReader

KEEP_ALIVE = 5.0  # seconds an idle connection is kept (httpx's default)
POOL_TIMEOUT_MESSAGE = (  # python-telegram-bot's wording for the same case
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent to "
    "Telegram. Consider adjusting the connection pool size or the pool timeout."
)

Origin = tuple[str, str, int]  # scheme, host, port
_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # "not given": the timeout this object was made with


class NotConnected(NetworkError):
    """The connection could not be opened: the request never left."""


class AnswerLost(NetworkError):
    """The connection broke, or the answer made no sense, after the request went out: Telegram may have
    taken it."""


class _Connection(asyncio.Protocol):
    """One kept-alive connection, one request at a time: `send` returns the future of (status, body)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.reader: ResponseReader | None = None
        self.answer: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False
        self.idle_since = 0.0

    @property
    def reusable(self) -> bool:
        return not self.closed and self.reader is not None and self.reader.keep_alive

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.reader is None or self.answer is None or self.answer.done():
            self.close()  # bytes nobody asked for: what else is on this connection is unknown
            return
        try:
            complete = self.reader.feed(data)
        except BadResponse as exc:
            self.answer.set_exception(AnswerLost(f"unreadable answer from the Bot API ({exc})"))
            self.close()
            return
        if complete:
            self.answer.set_result((self.reader.status, self.reader.body))

    def eof_received(self) -> bool:
        self._ended("the Bot API closed the connection before it answered")
        return False  # and close this side

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._ended(f"the connection to the Bot API was lost ({type(exc).__name__ if exc else 'closed'})")

    def _ended(self, reason: str) -> None:
        if self.reader is None or self.answer is None or self.answer.done():
            return
        if self.reader.end():  # a body that ends with the connection
            self.answer.set_result((self.reader.status, self.reader.body))
        else:
            self.answer.set_exception(AnswerLost(reason))

    def send(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        assert self.transport is not None
        self.reader = ResponseReader()
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.answer

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.close()
        self.closed = True


class KeepAliveRequest(BaseRequest):
    """python-telegram-bot's request object, HTTP/1.1 with kept-alive connections (module docstring).

    Takes the timeouts and pool size `HTTPXRequest` takes, with the same meaning; `ssl_context` replaces
    the default one (tests)."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.fallback = HTTPXRequest(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._timeouts = {
            "read": read_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._size = connection_pool_size
        self._slots: asyncio.Semaphore | None = None
        self._idle: dict[Origin, list[_Connection]] = {}
        self._busy: set[_Connection] = set()
        self._ssl = ssl_context
        self._routes: dict[str, tuple[Origin, bytes] | None] = {}  # url -> origin and request target

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        await self.fallback.initialize()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        for connection in self._busy:
            connection.close()
        self._idle.clear()
        self._slots = None
        await self.fallback.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        route = self._route(url) if method == "POST" else None
        if route is None or (request_data is not None and request_data.contains_files):
            return await self.fallback.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        origin, target = route
        body = json.dumps(request_data.parameters).encode() if request_data is not None else b""
        request = b"POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nContent-Type: application/json\r\n" % (
            target,
            _host_header(origin),
            self.USER_AGENT.encode(),
        )
        request += b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        read = self._timeout("read", read_timeout)  # from handing the request over (a JSON body fits)
        connection = await self._acquire(
            origin, self._timeout("pool", pool_timeout), self._timeout("connect", connect_timeout)
        )
        try:
            answer = connection.send(request)
            async with asyncio.timeout(read):
                status, payload = await answer
        except TimeoutError:
            connection.close()
            raise TimedOut from None
        except BaseException:
            connection.close()  # an answer arriving later must not be taken for the next request's
            raise
        finally:
            self._release(origin, connection)
        return status, payload

    def _timeout(self, kind: str, given: Any) -> float | None:
        return self._timeouts[kind] if isinstance(given, _DEFAULT) else given

    def _route(self, url: str) -> tuple[Origin, bytes] | None:
        """Origin and request target of `url`; None when the fallback must take it (a proxy)."""
        if url not in self._routes:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            host = parts.hostname or ""
            if scheme not in ("http", "https") or not host or _proxied(scheme, host):
                self._routes[url] = None
            else:
                port = parts.port or (443 if scheme == "https" else 80)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                self._routes[url] = ((scheme, host, port), target.encode("ascii"))
        return self._routes[url]

    async def _acquire(
        self, origin: Origin, pool_timeout: float | None, connect_timeout: float | None
    ) -> _Connection:
        if self._slots is None:
            raise RuntimeError("This KeepAliveRequest is not initialized!")
        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from None
        try:
            connection = self._idle_connection(origin) or await self._connect(origin, connect_timeout)
        except BaseException:
            self._slots.release()
            raise
        self._busy.add(connection)
        return connection

    def _release(self, origin: Origin, connection: _Connection) -> None:
        self._busy.discard(connection)
        if connection.reusable:
            connection.reader = connection.answer = None
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        if self._slots is not None:
            self._slots.release()

    def _idle_connection(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        oldest = time.monotonic() - KEEP_ALIVE
        while idle:
            connection = idle.pop()  # the newest: the least likely to have been closed by the server
            if not connection.closed and connection.idle_since > oldest:
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin, within: float | None) -> _Connection:
        scheme, host, port = origin
        context = None
        if scheme == "https":
            context = self._ssl or _default_context()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(within):
                _, connection = await loop.create_connection(
                    _Connection, host, port, ssl=context, server_hostname=host if context else None
                )
        except TimeoutError:
            raise TimedOut from None
        except OSError as exc:  # refused, unreachable, no such host, TLS handshake failed
            raise NotConnected(f"could not connect to the Bot API ({type(exc).__name__}: {exc})") from None
        return connection


def _host_header(origin: Origin) -> bytes:
    scheme, host, port = origin
    name = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return (name if port == default else f"{name}:{port}").encode("idna")


def _proxied(scheme: str, host: str) -> bool:
    """Whether the environment names a proxy for `host` (httpx would use it)."""
    proxies = urllib.request.getproxies_environment()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(host)


@functools.cache
def _default_context() -> ssl.SSLContext:
    """The CA certificates httpx trusts: certifi's, or those SSL_CERT_FILE or SSL_CERT_DIR name."""
    return httpx.create_ssl_context()
