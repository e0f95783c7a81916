"""The wire: HTTP/1.1 bytes in and out, for the lab.

A strict request reader, a response head encoder, and what a route answers.
Hand-written rather than built on http.server or h11: the lab must keep the
request head byte for byte (for /echo), and control every byte it sends back
(FIN against RST, HTTP/1.0 framing). Every read has a deadline and every buffer
a limit, so no client can make the lab wait or grow forever.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

MAX_HEAD = 16 * 1024
MAX_BODY = 1024 * 1024
READ_SIZE = 64 * 1024
MAX_CHUNK_LINE = 1024  # one chunk-size line, extensions included

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_REQUEST_LINE = re.compile(rb"(" + _TOKEN + rb") ([\x21-\x7e]+) HTTP/(\d)\.(\d)")
_FIELD_NAME = re.compile(_TOKEN)
_BAD_VALUE_BYTE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")  # controls other than tab
_BARE_LF = re.compile(rb"(?<!\r)\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")


class HttpError(Exception):
    """The request is unusable: answer `status` with this message, then close."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ConnectionDone(Exception):
    """The connection ends without a response: the client left, or stayed idle."""


@dataclass
class Request:
    method: str
    target: str
    version: tuple[int, int]
    headers: list[tuple[str, str]]
    head: bytes  # exactly as received, final empty line included
    content_length: int = 0
    chunked: bool = False
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """All fields called `name` (lower case), joined with ", "; None if none."""
        values = [v for n, v in self.headers if n.lower() == name]
        return ", ".join(values) if values else None

    def tokens(self, name: str) -> set[str]:
        """The comma-separated, case-insensitive tokens of a list header."""
        return {t.strip().lower() for t in (self.header(name) or "").split(",")} - {""}

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    @property
    def keep_alive(self) -> bool:
        """Whether the client wants the connection kept open after this exchange."""
        connection = self.tokens("connection")
        if "close" in connection:
            return False
        return self.version >= (1, 1) or "keep-alive" in connection

    @property
    def expects_continue(self) -> bool:
        has_body = self.chunked or self.content_length > 0
        interim_ok = self.version >= (1, 1)  # no 1xx responses to HTTP/1.0
        return has_body and interim_ok and self.tokens("expect") == {"100-continue"}


class Incoming:
    """The bytes received on one connection that no request has consumed yet."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream
        self.buffer = bytearray()
        self._grew = asyncio.Event()

    async def receive(self, deadline: float | None) -> bool:
        """Append the next bytes to arrive; False at EOF, TimeoutError at `deadline`
        (None: no deadline)."""
        async with asyncio.timeout_at(deadline):
            data = await self._stream.read(READ_SIZE)
        self.buffer += data
        if data:
            self._grew.set()
        return bool(data)

    async def more(self) -> None:
        """Return once the buffer holds bytes: at once if it does already.

        Someone else must be receiving meanwhile: a waiting route's watcher.
        """
        while not self.buffer:
            self._grew.clear()
            await self._grew.wait()

    def take(self, size: int) -> bytes:
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


async def wait_for_request(incoming: Incoming, idle_timeout: float) -> None:
    """Return once the next request has started to arrive."""
    if incoming.buffer:  # pipelined: it is already here
        return
    loop = asyncio.get_running_loop()
    try:
        if not await incoming.receive(loop.time() + idle_timeout):
            raise ConnectionDone("closed by client")
    except TimeoutError:
        raise ConnectionDone(f"idle for {idle_timeout:g} s") from None


async def read_head(incoming: Incoming, timeout: float) -> bytes:
    """The request line and header lines, up to and including the empty line."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (end := incoming.buffer.find(b"\r\n\r\n")) == -1:
        if _BARE_LF.search(incoming.buffer):
            raise HttpError(400, "request lines must end with CRLF")
        if len(incoming.buffer) > MAX_HEAD:
            raise _head_too_large(incoming.buffer)
        try:
            more = await incoming.receive(deadline)
        except TimeoutError:
            message = f"request head not complete within {timeout:g} s"
            raise HttpError(408, message) from None
        if not more:
            raise ConnectionDone("client closed mid-request")
    if end + 4 > MAX_HEAD:
        raise _head_too_large(incoming.buffer)
    return incoming.take(end + 4)


def _head_too_large(buffer: bytearray) -> HttpError:
    if buffer.find(b"\r\n", 0, MAX_HEAD) == -1:
        return HttpError(414, f"request line longer than {MAX_HEAD} bytes")
    return HttpError(431, f"request head larger than {MAX_HEAD} bytes")


def parse_head(head: bytes) -> Request:
    """Parse and validate a request head, including how its body is framed."""
    request_line, *lines = head[:-4].split(b"\r\n")
    match = _REQUEST_LINE.fullmatch(request_line)
    if not match:
        raise HttpError(400, f"malformed request line: {_show(request_line)}")
    method, target, major, minor = match.groups()
    if major != b"1":
        raise HttpError(505, "only HTTP/1.0 and HTTP/1.1 are supported")
    if not target.startswith((b"/", b"http://", b"https://")):
        raise HttpError(400, "the request target must be a path or an http(s) URL")
    headers = []
    for line in lines:
        name, colon, value = line.partition(b":")
        if not colon:
            raise HttpError(400, f"header line without a colon: {_show(line)}")
        # Also rejects obsolete line folding and whitespace before the colon.
        if not _FIELD_NAME.fullmatch(name):
            raise HttpError(400, f"invalid header name: {_show(name)}")
        value = value.strip(b" \t")
        if _BAD_VALUE_BYTE.search(value):
            raise HttpError(400, f"control character in header {_show(name)}")
        headers.append((name.decode("ascii"), value.decode("latin-1")))
    request = Request(
        method=method.decode("ascii"),
        target=target.decode("ascii"),
        version=(1, int(minor)),
        headers=headers,
        head=head,
    )
    _set_framing(request)
    return request


def _set_framing(request: Request) -> None:
    """Find how the body is delimited; reject ambiguous framing (request smuggling)."""
    transfer_encoding = request.header("transfer-encoding")
    content_length = request.header("content-length")
    if transfer_encoding is not None:
        if content_length is not None:
            raise HttpError(400, "both Content-Length and Transfer-Encoding are set")
        if transfer_encoding.strip().lower() != "chunked":
            message = f"unsupported Transfer-Encoding: {transfer_encoding!r}"
            raise HttpError(501, message)
        request.chunked = True
    elif content_length is not None:
        values = {v.strip() for v in content_length.split(",")}
        text = values.pop()
        if values or not (text.isascii() and text.isdigit()):
            raise HttpError(400, f"invalid Content-Length: {content_length!r}")
        if len(text) > 9 or int(text) > MAX_BODY:
            raise HttpError(413, f"request body larger than {MAX_BODY} bytes")
        request.content_length = int(text)


async def read_body(incoming: Incoming, request: Request, timeout: float) -> bytes:
    """The request body, de-chunked; it must arrive within `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout

    async def receive() -> None:
        try:
            more = await incoming.receive(deadline)
        except TimeoutError:
            message = f"request body not complete within {timeout:g} s"
            raise HttpError(408, message) from None
        if not more:
            message = "connection closed before the request body was complete"
            raise HttpError(400, message)

    async def read_line(limit: int) -> bytes:
        while (end := incoming.buffer.find(b"\r\n")) == -1:
            if len(incoming.buffer) > limit:
                raise HttpError(400, "chunk-size or trailer line too long")
            await receive()
        return incoming.take(end + 2)[:-2]

    async def read_exactly(size: int) -> bytes:
        while len(incoming.buffer) < size:
            await receive()
        return incoming.take(size)

    if not request.chunked:
        return await read_exactly(request.content_length)
    body = bytearray()
    while True:
        size_text = (await read_line(MAX_CHUNK_LINE)).partition(b";")[0].strip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise HttpError(400, f"malformed chunk size: {_show(size_text)}")
        size = int(size_text, 16)
        if size == 0:
            break
        if len(body) + size > MAX_BODY:
            raise HttpError(413, f"request body larger than {MAX_BODY} bytes")
        chunk = await read_exactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise HttpError(400, "chunk data not followed by CRLF")
        body += chunk[:-2]
    trailer_size = 0  # trailer fields are read and ignored, within the head limit
    while line := await read_line(MAX_HEAD):
        trailer_size += len(line) + 2
        if trailer_size > MAX_HEAD:
            raise HttpError(431, f"trailer section larger than {MAX_HEAD} bytes")
    return bytes(body)


def encode_head(status: int, headers: list[tuple[str, str]], version: str) -> bytes:
    """A status line and header lines, ending with the empty line."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"{version} {status} {reason}", *(f"{n}: {v}" for n, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def url_for(host: str, port: int, scheme: str = "http") -> str:
    """The URL of a listening address; IPv6 hosts get their brackets."""
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def _show(data: bytes) -> str:
    """Bytes from the client, quoted and shortened for an error message."""
    text = repr(data[:80])[2:-1]
    return f"'{text}...'" if len(data) > 80 else f"'{text}'"


@dataclass
class Response:
    """What a route answers. `chunks`, when set, is sent with chunked encoding."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: AsyncIterator[bytes | memoryview] | None = None
    close: bool = False
    http10: bool = False  # HTTP/1.0 status line, no Connection header, then close
    # Say nothing of closing, whatever the request asked, and close unanswered
    # when the next request arrives: a server that closes without saying so.
    close_unsaid: bool = False
