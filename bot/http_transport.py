"""A lean HTTP/1.1 keep-alive transport for python-telegram-bot's JSON calls.

python-telegram-bot takes any `BaseRequest`; its default (httpx) spends about 2 ms of CPU per call,
which is most of what a large fan-out costs. Telegram's API needs little of httpx: a POST with a JSON body
to one host, answered with a JSON body. This transport does exactly that over a small pool of persistent
connections (TLS with certificate checks for https), and hands everything else (file uploads, downloads)
to the regular httpx request. Errors map as in httpx's request: a timeout is `TimedOut`, any other
connection trouble `NetworkError`; the HTTP status and body go back to python-telegram-bot unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

IDLE_LIMIT = 30.0  # seconds a kept-alive connection may idle before it is closed rather than reused
MAX_BODY = 64 * 1024 * 1024


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < IDLE_LIMIT
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class LeanRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._slots = asyncio.Semaphore(connection_pool_size)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._fallback = HTTPXRequest(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        self._ssl: ssl.SSLContext | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        await self._fallback.initialize()

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await self._fallback.shutdown()

    def _timeout(self, name: str, given: Any) -> float | None:
        if isinstance(given, int | float) or given is None:
            return None if given is None else float(given)
        return self._timeouts[name]  # BaseRequest.DEFAULT_NONE: the default set at creation

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
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self._fallback.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        body = request_data.json_payload if request_data is not None else b"{}"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NetworkError(f"unsupported URL scheme {parts.scheme!r}")
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        key = (parts.scheme, parts.hostname, port)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {self.USER_AGENT}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        ).encode("latin-1")
        try:
            await asyncio.wait_for(self._slots.acquire(), self._timeout("pool", pool_timeout))
        except TimeoutError:
            raise TimedOut(
                "Pool timeout: all connections are busy. The request was not sent to Telegram."
            ) from None
        try:
            connection = await self._connection(key, https, self._timeout("connect", connect_timeout))
            try:
                connection.writer.write(head + body)
                await asyncio.wait_for(connection.writer.drain(), self._timeout("write", write_timeout))
                status, payload, keep = await asyncio.wait_for(
                    _read_response(connection.reader), self._timeout("read", read_timeout)
                )
            except BaseException:
                connection.close()
                raise
            if keep:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(key, []).append(connection)
            else:
                connection.close()
            return status, payload
        except TimeoutError as exc:
            raise TimedOut from exc
        except (OSError, asyncio.IncompleteReadError, ValueError, ssl.SSLError) as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._slots.release()

    async def _connection(self, key: tuple[str, str, int], https: bool, limit: float | None) -> _Connection:
        idle = self._idle.get(key, [])
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        if https and self._ssl is None:
            self._ssl = ssl.create_default_context()
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(key[1], key[2], ssl=self._ssl if https else None), limit
        )
        return _Connection(reader, writer)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may be kept for the next request."""
    status_line = await reader.readuntil(b"\r\n")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ValueError("not an HTTP/1.x response")
    status = int(parts[1])
    headers: dict[str, str] = {}
    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = headers.get("connection", "").lower() != "close" and parts[0] != b"HTTP/1.0"
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        size = 0
        while True:
            length = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if length == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                break
            size += length
            if size > MAX_BODY:
                raise ValueError("response too large")
            chunks.append(await reader.readexactly(length))
            await reader.readexactly(2)
        return status, b"".join(chunks), keep
    if "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_BODY:
            raise ValueError("response too large")
        return status, await reader.readexactly(length), keep
    return status, await reader.read(MAX_BODY), False  # delimited by the end of the connection
