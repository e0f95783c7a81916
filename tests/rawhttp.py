"""A raw-socket HTTP client for the lab tests, and what those tests share.

Bad input must go to the lab byte for byte, which no HTTP library sends, and
some answers (a FIN, a reset, a chunk boundary) only show on the socket. Every
socket operation and HTTP call has TIMEOUT as its deadline.

pytest does not rewrite the asserts of a module like this one (only of test
modules and conftest.py), so each assert here carries its own message.
"""

from __future__ import annotations

import json
import select
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.conftest import LabProcess

    # The type of the `start_lab` fixture (tests/conftest.py).
    StartLab = Callable[..., LabProcess]

TIMEOUT = 5.0  # for every socket operation and HTTP call
DIGITS = b"0123456789"


def get(path: str, *headers: str, version: str = "1.1") -> bytes:
    """A GET request head, as bytes."""
    lines = [f"GET {path} HTTP/{version}", "Host: lab", *headers, "", ""]
    return "\r\n".join(lines).encode()


def digits(size: int) -> bytes:
    """The first `size` bytes of 0123456789..., as /stream sends them."""
    return (DIGITS * (size // 10 + 1))[:size]


class ClosedByPeer(AssertionError):
    """The server closed the connection (FIN) before a whole response came."""


@dataclass
class Closing:
    """How a connection ended while we waited, sending nothing."""

    how: str | None  # "FIN", "RST", or None: still open when the wait ended
    after: float  # seconds from the start of the wait
    sent: bytes  # what the server sent before it closed


@dataclass
class RawResponse:
    status_line: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    chunks: list[bytes] | None = None  # for a chunked body, as sent

    @property
    def status(self) -> int:
        return int(self.status_line.split()[1])

    def json(self) -> Any:
        return json.loads(self.body)


class RawClient:
    """A client socket for byte-level tests: send anything, read what comes back."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        address = (parts.hostname, parts.port)
        self.sock = socket.create_connection(address, timeout=TIMEOUT)
        self.pending = b""

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _receive(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            got = self.pending
            shown = (
                f"{got[:80]!r}... ({len(got)} bytes)" if len(got) > 80 else repr(got)
            )
            raise ClosedByPeer(f"closed by the server; received {shown}")
        self.pending += data

    def _take(self, size: int) -> bytes:
        while len(self.pending) < size:
            self._receive()
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.pending:
            self._receive()
        line, self.pending = self.pending.split(b"\r\n", 1)
        return line

    def response(self, *, head_request: bool = False) -> RawResponse:
        """Read one response: Content-Length, chunked, or up to the close."""
        while b"\r\n\r\n" not in self.pending:
            self._receive()
        head, self.pending = self.pending.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        response = RawResponse(status_line, headers, b"")
        if head_request or response.status in (100, 204, 304):
            return response
        if "content-length" in headers:
            response.body = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            response.chunks = []
            while size := int(self._line(), 16):
                response.chunks.append(self._take(size + 2)[:-2])
            trailer = self._line()
            assert trailer == b"", f"the lab sent a trailer: {trailer!r}"
            response.body = b"".join(response.chunks)
        else:
            while chunk := self.sock.recv(65536):
                self.pending += chunk
            response.body, self.pending = self.pending, b""
        return response

    def expect_fin(self) -> None:
        """The lab closes the connection normally: reads return b"" (EOF)."""
        assert self.pending == b"", f"before the close, got {self.pending!r}"
        data = self.sock.recv(1)
        assert data == b"", f"expected the close (EOF), got {data!r}"

    def expect_reset(self) -> None:
        """The lab resets the connection (RST)."""
        with pytest.raises(ConnectionResetError):
            self.sock.recv(1)

    def wait_for_close(self, timeout: float) -> Closing:
        """Wait up to `timeout` seconds for the server to close: no sleep, no race.

        recv() returns b"" for a FIN and raises ConnectionResetError for a RST.
        """
        start = time.monotonic()
        sent, self.pending = self.pending, b""
        while (left := start + timeout - time.monotonic()) > 0:
            if not select.select([self.sock], [], [], left)[0]:
                break
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return Closing("RST", time.monotonic() - start, sent)
            if not data:
                return Closing("FIN", time.monotonic() - start, sent)
            sent += data
        return Closing(None, time.monotonic() - start, sent)

    def readable(self, timeout: float) -> bool:
        """Whether the lab sent something (or closed) within `timeout` seconds."""
        return bool(self.pending or select.select([self.sock], [], [], timeout)[0])


def exchange(url: str, data: bytes) -> RawResponse:
    """Send bytes on a fresh connection and read one response."""
    with RawClient(url) as client:
        client.send(data)
        return client.response()


def exchange_then_closed(url: str, data: bytes) -> RawResponse:
    """Like exchange(), and the lab must then close the connection (FIN)."""
    with RawClient(url) as client:
        client.send(data)
        response = client.response()
        client.expect_fin()
    return response


def assert_still_serving(url: str) -> None:
    """Bad input did not hurt the lab: a normal request gets a 200."""
    status = requests.get(f"{url}/", timeout=TIMEOUT).status_code
    assert status == 200, f"the lab answered a plain GET / with {status}"
