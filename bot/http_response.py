"""Reading one HTTP/1.1 response as its bytes arrive: the status, and a body that has a Content-Length, is
chunked, or ends when the server closes the connection (bot/telegram_http.py sends the requests)."""

from __future__ import annotations

import string

MAX_LINE = 64 * 1024  # bytes of status line and headers, or of a chunk's size line, a response may have


class BadResponse(Exception):
    """The bytes are not an HTTP/1.x response this reader understands."""


class ResponseReader:
    """Feed it the bytes of one response; `feed` says when the response is complete."""

    def __init__(self) -> None:
        self.status = 0
        self.keep_alive = True  # the connection may carry the next request once this response is read
        self._buffer = bytearray()
        self._body = bytearray()
        self._head_read = False
        self._chunked = False
        self._until_close = False
        self._left = 0  # body bytes still expected, or of the current chunk with its CRLF
        self._in_trailers = False

    @property
    def body(self) -> bytes:
        return bytes(self._body)

    def feed(self, data: bytes) -> bool:
        """Take the next bytes; True once the response is complete. Raises BadResponse."""
        self._buffer += data
        if not self._head_read and not self._read_head():
            return False
        if self._until_close:
            self._body += self._buffer
            self._buffer.clear()
            return False
        complete = self._read_chunks() if self._chunked else self._read_plain()
        if complete and self._buffer:
            self.keep_alive = False  # bytes after the response: nothing more can be trusted on it
        return complete

    def end(self) -> bool:
        """The connection closed: True when that completes the response (a body that ends with it)."""
        self.keep_alive = False
        return self._head_read and self._until_close

    def _read_plain(self) -> bool:
        take = min(self._left, len(self._buffer))
        self._body += self._buffer[:take]
        del self._buffer[:take]
        self._left -= take
        return self._left == 0

    def _line(self) -> str | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > MAX_LINE:
                raise BadResponse("line too long")
            return None
        line = self._buffer[:end].decode("latin-1")
        del self._buffer[: end + 2]
        return line

    def _read_head(self) -> bool:
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_LINE:
                    raise BadResponse("head too long")
                return False
            lines = self._buffer[:end].decode("latin-1").split("\r\n")
            del self._buffer[: end + 4]
            version, _, rest = lines[0].partition(" ")
            if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
                raise BadResponse("no HTTP/1.x status line")
            if not 100 <= int(rest[:3]) < 200:
                break  # (an interim 1xx answer is skipped; the real one follows)
        self.status = int(rest[:3])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise BadResponse("malformed header")
            headers[name.strip().lower()] = value.strip()
        self._head_read = True
        if "close" in headers.get("connection", "").lower() or version == "HTTP/1.0":
            self.keep_alive = False
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._chunked = True
            self._left = -1  # at a size line
        elif self.status in (204, 304):
            self._left = 0
        elif "content-length" in headers:
            length = headers["content-length"]
            if not length.isdigit():
                raise BadResponse("bad Content-Length")
            self._left = int(length)
        else:
            self._until_close = True
            self.keep_alive = False
        return True

    def _read_chunks(self) -> bool:
        while True:
            if self._left < 0:  # a size line, or a trailer line
                line = self._line()
                if line is None:
                    return False
                if self._in_trailers:
                    if not line:
                        return True
                    continue
                size = line.split(";", 1)[0].strip()
                if not size or size.strip(string.hexdigits):
                    raise BadResponse("bad chunk size")
                self._left = int(size, 16) + 2  # the data and its CRLF
                if self._left == 2:  # the last chunk; trailers (usually none) end with an empty line
                    self._in_trailers, self._left = True, -1
                continue
            if len(self._buffer) < self._left:
                return False
            if self._buffer[self._left - 2 : self._left] != b"\r\n":
                raise BadResponse("chunk without CRLF")
            self._body += self._buffer[: self._left - 2]
            del self._buffer[: self._left]
            self._left = -1
