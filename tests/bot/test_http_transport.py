"""The lean HTTP transport: keep-alive reuse, chunked bodies, closed and stale connections, timeouts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.http_transport import LeanRequest

TOKEN = "1:LEAN"


class Server:
    """A tiny HTTP/1.1 server whose answers a test scripts; counts connections and requests."""

    def __init__(self, answer: Callable[[int, bytes], bytes | None]) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                body = await reader.readexactly(length)
                self.requests.append(head.split(b"\r\n")[0])
                reply = self.answer(len(self.requests), body)
                if reply is None:
                    writer.close()
                    return
                writer.write(reply)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionResetError):
            writer.close()


def ok(result: object, *, chunked: bool = False, close: bool = False) -> bytes:
    body = json.dumps({"ok": True, "result": result}).encode()
    headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    if close:
        headers += "Connection: close\r\n"
    if chunked:
        half = len(body) // 2
        payload = (
            b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:]))
            + b"0\r\n\r\n"
        )
        return (headers + "Transfer-Encoding: chunked\r\n\r\n").encode() + payload
    return (headers + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Callable[[int, bytes], bytes | None]], asyncio.Future[Server]]]:
    servers: list[asyncio.Server] = []

    async def start(answer: Callable[[int, bytes], bytes | None]) -> Server:
        state = Server(answer)
        server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
        state.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return state

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()


def bot_for(server: Server, **timeouts: float) -> Bot:
    return Bot(TOKEN, base_url=f"http://127.0.0.1:{server.port}/bot", request=LeanRequest(**timeouts))


ME = {"id": 1, "is_bot": True, "first_name": "Lean", "username": "lean_bot"}


async def test_connections_are_kept_alive_and_chunked_bodies_read(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(lambda n, body: ok(ME if n == 1 else True, chunked=n % 2 == 0))
    bot = bot_for(server)
    await bot.initialize()
    for _ in range(4):
        assert await bot.do_api_request("setmycommands", api_kwargs={"commands": []}) is True
    await bot.shutdown()
    assert server.connections == 1 and len(server.requests) == 5
    assert server.requests[1].startswith(b"POST /bot1:LEAN/setmycommands HTTP/1.1")


async def test_connection_close_and_a_vanished_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve(lambda n, body: None if n == 3 else ok(ME if n == 1 else True, close=n == 2))
    bot = bot_for(server)
    await bot.initialize()
    assert await bot.do_api_request("logout") is True  # answered with Connection: close
    with pytest.raises(NetworkError):
        await bot.do_api_request("logout")  # the server hangs up without an answer
    assert await bot.do_api_request("logout") is True  # a fresh connection works again
    await bot.shutdown()
    assert server.connections == 3


async def test_a_late_answer_is_a_timeout(serve) -> None:  # type: ignore[no-untyped-def]
    def answer(n: int, body: bytes) -> bytes | None:
        return ok(ME) if n == 1 else b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"

    server = await serve(answer)
    bot = bot_for(server, read_timeout=0.2)
    await bot.initialize()
    with pytest.raises(TimedOut):
        await bot.do_api_request("logout")
    await bot.shutdown()


async def test_nothing_listening_is_a_network_error() -> None:
    bot = Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=LeanRequest(connect_timeout=1.0))
    with pytest.raises(NetworkError):
        await bot.initialize()
