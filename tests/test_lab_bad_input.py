"""Lab tests: bad input, limits and timeouts.

Bad input goes over raw sockets, byte for byte: it gets its 4xx or 5xx, the
connection is closed, and the same lab must still answer a normal request.
Also: request bodies (chunked, Expect: 100-continue, cut short), the header,
body and idle timeouts, clients that leave mid-request, --max-connections.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

import pytest
import requests

from tests.rawhttp import (
    TIMEOUT,
    RawClient,
    assert_still_serving,
    exchange,
    exchange_then_closed,
    get,
)

if TYPE_CHECKING:
    from tests.rawhttp import StartLab


CHUNKED_POST = b"POST / HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n"
BAD_REQUESTS = {
    "garbage request line": (b"NONSENSE\r\n\r\n", 400),
    "no HTTP version": (b"GET /\r\n\r\n", 400),
    "target not a path": (b"GET example.com HTTP/1.1\r\n\r\n", 400),
    "HTTP/2 request line": (b"GET / HTTP/2.0\r\n\r\n", 505),
    "header without a colon": (b"GET / HTTP/1.1\r\nHost: lab\r\nNoColon\r\n\r\n", 400),
    "space before the colon": (b"GET / HTTP/1.1\r\nHost : lab\r\n\r\n", 400),
    "obsolete line folding": (b"GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", 400),
    "NUL in a header value": (b"GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", 400),
    "bare LF line endings": (b"GET / HTTP/1.1\nHost: lab\n\n", 400),
    "request line over 16 KiB": (b"GET /" + b"a" * 17_000 + b" HTTP/1.1\r\n\r\n", 414),
    "header section over 16 KiB": (
        b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"a" * 17_000 + b"\r\n\r\n",
        431,
    ),
    "many headers over 16 KiB": (
        b"GET / HTTP/1.1\r\n" + b"X-A: aaaaaaaaaaaaaaaaaaaa\r\n" * 1000 + b"\r\n",
        431,
    ),
    "negative Content-Length": (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
    "Content-Length not a number": (
        b"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
        400,
    ),
    "conflicting Content-Lengths": (
        b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
        400,
    ),
    "Content-Length and Transfer-Encoding": (
        b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        400,
    ),
    "unknown transfer coding": (
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        501,
    ),
    "Content-Length over 1 MiB": (
        b"POST / HTTP/1.1\r\nContent-Length: 1048577\r\n\r\n" + b"x" * 70_000,
        413,
    ),
    "chunked body over 1 MiB": (CHUNKED_POST + b"100001\r\n" + b"x" * 70_000, 413),
    "chunks adding up to over 1 MiB": (
        CHUNKED_POST + (b"80000\r\n" + b"x" * 0x80000 + b"\r\n") * 2 + b"1\r\nx\r\n",
        413,
    ),
    "malformed chunk size": (CHUNKED_POST + b"zz\r\nabc\r\n0\r\n\r\n", 400),
    "chunk data without CRLF": (CHUNKED_POST + b"3\r\nabcXY0\r\n\r\n", 400),
}


@pytest.mark.parametrize("data, status", BAD_REQUESTS.values(), ids=list(BAD_REQUESTS))
def test_bad_request_is_answered_then_closed(
    lab_url: str, data: bytes, status: int
) -> None:
    response = exchange_then_closed(lab_url, data)
    assert response.status == status
    assert response.headers["connection"] == "close"
    assert response.headers["x-lab-connection-request"] == "1"
    assert response.json()["error"]
    assert_still_serving(lab_url)


def test_oversized_body_gets_413_and_is_drained(lab_url: str) -> None:
    # The lab answers before reading the body, then drains it for a while:
    # closing with unread input would reset the connection, and destroy the
    # answer. 4 MiB is four times the limit, and quick to send even on a busy
    # machine (the drain lasts 1 s).
    head = b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Length: 4194304\r\n\r\n"
    response = exchange_then_closed(lab_url, head + b"x" * 4 * 1024 * 1024)
    assert response.status == 413
    assert response.headers["connection"] == "close"
    body = b"x" * 2 * 1024 * 1024  # and what a requests user sees:
    assert requests.post(lab_url, data=body, timeout=TIMEOUT).status_code == 413


def test_bad_request_after_a_good_one_on_the_same_connection(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/"))
        assert client.response().status == 200
        client.send(b"BROKEN\r\n\r\n")
        response = client.response()
        client.expect_fin()
    assert response.status == 400
    assert response.headers["x-lab-connection-request"] == "2"
    assert_still_serving(lab_url)


def test_chunked_body_is_decoded_exactly(lab_url: str) -> None:
    body = b"3;ext=1\r\nabc\r\n10\r\n" + b"x" * 16 + b"\r\n0\r\nX-Trailer: t\r\n\r\n"
    with RawClient(lab_url) as client:
        client.send(CHUNKED_POST + body + get("/"))  # the body ends where it should
        assert client.response().status == 200
        assert client.response().json()["request"] == 2


def test_requests_generator_body_is_sent_chunked(lab_url: str) -> None:
    with requests.Session() as session:
        parts = (part for part in (b"abc", b"def"))
        echo = session.post(f"{lab_url}/echo", data=parts, timeout=TIMEOUT)
        following = session.get(f"{lab_url}/", timeout=TIMEOUT)
    assert "Transfer-Encoding: chunked\r\n" in echo.text
    assert following.json()["request"] == 2


def test_expect_100_continue(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(
            b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Length: 5\r\n"
            b"Expect: 100-continue\r\n\r\n"
        )
        assert client.response().status_line == "HTTP/1.1 100 Continue"
        client.send(b"hello")
        assert client.response().status == 200


def test_body_cut_short_by_eof_gets_400(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Length: 10\r\n\r\nabc")
        client.sock.shutdown(socket.SHUT_WR)
        response = client.response()
        client.expect_fin()
    assert response.status == 400
    assert_still_serving(lab_url)


def test_stalled_body_gets_408_after_the_body_timeout(start_lab: StartLab) -> None:
    url = start_lab("--body-timeout", "0.3").url
    with RawClient(url) as client:
        started = time.monotonic()
        client.send(b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Length: 10\r\n\r\nabc")
        response = client.response()
        waited = time.monotonic() - started
        client.expect_fin()
    assert response.status == 408
    # The body timeout ran out, not the 10 s header or 30 s idle default.
    assert response.json()["error"] == "request body not complete within 0.3 s"
    assert waited > 0.25
    assert_still_serving(url)


def test_slow_request_head_gets_408_after_the_header_timeout(
    start_lab: StartLab,
) -> None:
    url = start_lab("--header-timeout", "0.3", "--idle-timeout", "10").url
    with RawClient(url) as client:
        # Before the first byte only the idle timeout applies: no 408 yet.
        assert not client.readable(0.5)
        started = time.monotonic()
        for byte in get("/"):  # one byte every 0.05 s: the head is never done
            client.send(bytes([byte]))
            if client.readable(0.05):
                break
        waited = time.monotonic() - started
        response = client.response()
        client.expect_fin()
    assert response.status == 408
    # The header timeout ran out, not the idle one.
    assert response.json()["error"] == "request head not complete within 0.3 s"
    assert waited > 0.25
    assert_still_serving(url)


def test_idle_timeout_closes_connections(start_lab: StartLab) -> None:
    # 1 s, not less: asked_once must send its request within the idle timeout
    # of connecting, and a busy machine can pause this test for a while.
    lab = start_lab("--idle-timeout", "1", quiet=False)
    with RawClient(lab.url) as never_asked, RawClient(lab.url) as asked_once:
        asked_once.send(get("/"))
        assert asked_once.response().status == 200
        never_asked.expect_fin()
        asked_once.expect_fin()
    for number in (1, 2):  # this lab's only connections; logged once closed
        assert exchange(lab.url, get(f"/wait-closed/{number}")).status == 200
    lab.stop()
    # Why they closed, in the lab's words: no upper bound on a busy machine's clock.
    log = lab.log.read_text().splitlines()
    assert "conn 1 closed (idle for 1 s)" in log
    assert "conn 2 closed (idle for 1 s)" in log


def test_client_leaving_mid_request_is_cleaned_up_silently(
    start_lab: StartLab,
) -> None:
    lab = start_lab(quiet=False)
    partial_requests = (
        b"GET / HT",
        b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
        CHUNKED_POST + b"5\r\nab",
    )
    for index, partial in enumerate(partial_requests):
        with RawClient(lab.url) as client:
            client.send(partial)
        # Connections 1, 3, 5 send partial requests; 2, 4, 6 wait for them.
        closed = exchange(lab.url, get(f"/wait-closed/{2 * index + 1}"))
        assert closed.json() == {"closed": True}
    assert_still_serving(lab.url)
    lab.stop()
    log = lab.log.read_text()
    assert "client closed mid-request" in log
    assert "Traceback" not in log


def test_connections_over_the_limit_get_503(start_lab: StartLab) -> None:
    url = start_lab("--max-connections", "2").url
    with RawClient(url) as first, RawClient(url) as second:
        for client in (first, second):
            client.send(get("/"))
            assert client.response().status == 200
        with RawClient(url) as third:
            third.send(get("/"))
            refused = third.response()
            third.expect_fin()
        assert refused.status == 503
        assert refused.headers["connection"] == "close"
        second.sock.close()
        for number in (2, int(refused.headers["x-lab-connection"])):
            first.send(get(f"/wait-closed/{number}"))
            assert first.response().status == 200
        assert exchange(url, get("/")).status == 200  # room again
