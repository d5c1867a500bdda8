"""KeepAliveRequest (bot/telegram_http.py) and its response reader (bot/http_response.py): kept-alive
connections, the errors python-telegram-bot and the outbox expect, TLS, and what is left to httpx."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from telegram import Bot
from telegram.error import TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.http_response import BadResponse, ResponseReader
from bot.telegram_http import AnswerLost, KeepAliveRequest, NotConnected
from tests.fake_bot_api import FakeBotApi

TOKEN = "4242:HTTP"
OK = b'{"ok":true,"result":true}'


def answer(body: bytes = OK, *headers: str, status: str = "200 OK") -> bytes:
    head = "".join(f"{h}\r\n" for h in headers) or f"Content-Length: {len(body)}\r\n"
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


# -- the response reader ------------------------------------------------------------------------------------


def read_all(*pieces: bytes) -> ResponseReader:
    reader = ResponseReader()
    complete = [reader.feed(piece) for piece in pieces]
    assert complete[-1] and not any(complete[:-1])
    return reader


def test_a_body_with_its_length_read_byte_by_byte() -> None:
    whole = answer(b'{"ok":true}')
    reader = read_all(*(whole[i : i + 1] for i in range(len(whole))))
    assert (reader.status, reader.body, reader.keep_alive) == (200, b'{"ok":true}', True)


def test_chunks_with_extensions_and_trailers_and_an_interim_answer() -> None:
    interim = b"HTTP/1.1 100 Continue\r\n\r\n"
    reader = read_all(
        interim + answer(b"", "Transfer-Encoding: chunked", status="429 Too Many Requests"),
        b"5;name=x\r\nhello\r\n",
        b"6\r\n world\r\n0\r\nX-Trailer: 1\r\n",
        b"\r\n",
    )
    assert (reader.status, reader.body, reader.keep_alive) == (429, b"hello world", True)


def test_a_body_that_ends_with_the_connection_is_complete_only_then() -> None:
    reader = ResponseReader()
    assert not reader.feed(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{}")
    assert reader.end() and reader.body == b"{}" and not reader.keep_alive


@pytest.mark.parametrize(
    ("response", "reusable"),
    [
        (answer(OK, f"Content-Length: {len(OK)}", "Connection: close"), False),
        (answer(OK) + b"HTTP/1.1 200 OK\r\n", False),  # bytes after the answer
        (answer(b"", "Content-Length: 0", status="204 No Content"), True),
    ],
)
def test_when_a_connection_may_carry_the_next_request(response: bytes, reusable: bool) -> None:
    reader = ResponseReader()
    assert reader.feed(response)
    assert reader.keep_alive is reusable


@pytest.mark.parametrize(
    "response",
    [
        b"SSH-2.0-OpenSSH\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
    ],
)
def test_what_is_not_http_is_refused(response: bytes) -> None:
    with pytest.raises(BadResponse):
        ResponseReader().feed(response)


def test_a_connection_closed_before_the_answer_is_not_an_answer() -> None:
    reader = ResponseReader()
    assert not reader.feed(answer(OK)[:-3])
    assert not reader.end()


# -- a scripted server --------------------------------------------------------------------------------------

Reply = Callable[[bytes], Awaitable[bytes | None]]  # request body -> answer bytes (None: close instead)


@dataclass
class Scripted:
    """Answers each request with the next reply of `replies` (then OK); counts connections."""

    replies: list[Reply] = field(default_factory=list)
    connections: int = 0
    requests: list[tuple[bytes, bytes]] = field(default_factory=list)  # (head, body)
    url: str = ""

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                reply = self.replies.pop(0) if self.replies else None
                out = await reply(body) if reply is not None else answer()
                if out is None:
                    break
                writer.write(out)
                await writer.drain()
        writer.close()


@contextlib.asynccontextmanager
async def scripted(context: ssl.SSLContext | None = None) -> AsyncIterator[Scripted]:
    script = Scripted()
    server = await asyncio.start_server(script.serve, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    script.url = (
        f"{'https' if context else 'http'}://{'localhost' if context else '127.0.0.1'}:{port}/bot{TOKEN}"
    )
    async with server:
        yield script


def data(**parameters: object) -> RequestData:
    return RequestData([RequestParameter.from_input(name, value) for name, value in parameters.items()])


@contextlib.asynccontextmanager
async def request(**kwargs: object) -> AsyncIterator[KeepAliveRequest]:
    made = KeepAliveRequest(**kwargs)  # type: ignore[arg-type]
    await made.initialize()
    try:
        yield made
    finally:
        await made.shutdown()


async def post(made: KeepAliveRequest, url: str, **parameters: object) -> tuple[int, bytes]:
    return await made.do_request(url + "/sendMessage", "POST", data(**parameters))


async def test_one_write_a_json_body_and_the_connection_kept_for_the_next_request() -> None:
    async with scripted() as server, request(connection_pool_size=4) as made:
        markup = {"inline_keyboard": [[{"text": "Ja ✓", "callback_data": "a:1"}]]}
        assert await post(made, server.url, chat_id=5, text="Grüße", reply_markup=markup) == (200, OK)
        assert await post(made, server.url, chat_id=5, text="again") == (200, OK)
        assert server.connections == 1
        head, body = server.requests[0]
        assert head.startswith(f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\n".encode())
        assert b"Content-Type: application/json" in head
        assert json.loads(body) == {"chat_id": 5, "text": "Grüße", "reply_markup": markup}


async def test_a_connection_the_server_closed_while_idle_is_not_used_again() -> None:
    async def close_after(body: bytes) -> bytes:
        return answer(OK, f"Content-Length: {len(OK)}", "Connection: close")

    async with scripted() as server, request() as made:
        server.replies = [close_after]
        await post(made, server.url, text="one")
        await asyncio.sleep(0.05)
        assert await post(made, server.url, text="two") == (200, OK)
        assert server.connections == 2


async def test_a_late_answer_times_out_and_its_connection_is_not_used_again() -> None:
    async def late(body: bytes) -> bytes:
        await asyncio.sleep(0.5)
        return answer()

    async with scripted() as server, request(read_timeout=0.1) as made:
        server.replies = [late]
        with pytest.raises(TimedOut):
            await post(made, server.url, text="slow")
        assert await post(made, server.url, text="next") == (200, OK)  # not the late answer
        assert server.connections == 2


async def test_a_broken_connection_after_the_request_may_have_arrived() -> None:
    async def hang_up(body: bytes) -> None:
        return None

    async with scripted() as server, request() as made:
        server.replies = [hang_up]
        with pytest.raises(AnswerLost):
            await post(made, server.url, text="taken?")
        assert len(server.requests) == 1


async def test_a_connection_that_never_opened_is_not_connected() -> None:
    async with scripted() as server:
        url = server.url
    async with request(connect_timeout=1.0) as made:
        with pytest.raises(NotConnected):
            await post(made, url, text="nobody listens")


async def test_all_connections_busy_for_too_long_is_a_pool_timeout() -> None:
    async def late(body: bytes) -> bytes:
        await asyncio.sleep(0.5)
        return answer()

    async with scripted() as server, request(connection_pool_size=1, pool_timeout=0.05) as made:
        server.replies = [late]
        first = asyncio.create_task(post(made, server.url, text="first"))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await post(made, server.url, text="second")
        assert await first == (200, OK)


async def test_a_cancelled_request_gives_its_connection_up() -> None:
    async def late(body: bytes) -> bytes:
        await asyncio.sleep(0.3)
        return answer(b'{"ok":true,"result":"late"}')

    async with scripted() as server, request() as made:
        server.replies = [late]
        waiting = asyncio.create_task(post(made, server.url, text="cancelled"))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert await post(made, server.url, text="next") == (200, OK)
        assert server.connections == 2


async def test_https_with_the_standard_librarys_tls(tmp_path: Path) -> None:
    server_context, client_context = tls_pair(tmp_path)
    async with scripted(server_context) as server, request(ssl_context=client_context) as made:
        assert await post(made, server.url, text="over TLS") == (200, OK)
        assert await post(made, server.url, text="again") == (200, OK)
        assert server.connections == 1


async def test_uploads_and_proxied_origins_go_through_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeBotApi(token=TOKEN, enforce_limits=False) as api:
        async with Bot(TOKEN, base_url=api.base_url, request=KeepAliveRequest(connection_pool_size=2)) as bot:
            await bot.send_document(7, document=b"BEGIN:VCALENDAR", filename="termin.ics", caption="Termin")
            sent = [(m.text, m.document_filename, m.document_bytes) for m in api.messages_to(7)]
            assert sent == [("Termin", "termin.ics", b"BEGIN:VCALENDAR")]
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        async with request(connect_timeout=1.0) as made:
            calls: list[str] = []
            original = made.fallback.do_request

            async def counted(url: str, *args: object, **kwargs: object) -> tuple[int, bytes]:
                calls.append(url)
                return await original(url, *args, **kwargs)  # type: ignore[arg-type]

            made.fallback.do_request = counted  # type: ignore[method-assign]
            with contextlib.suppress(Exception):
                await post(made, api.base_url + TOKEN, text="via the proxy")
            assert calls == [api.base_url + TOKEN + "/sendMessage"]


def tls_pair(directory: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for localhost: the server's context and a client's that trusts it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client
