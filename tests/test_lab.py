"""Tests for the lab server (``python -m lab``) and the snippet helpers.

Bad input goes over raw sockets, byte for byte, and after each bad-input case
the same lab must still answer a normal request. Nothing sleeps to wait for an
event: every wait is on a condition, with a deadline.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from tests.rawhttp import (
    DIGITS,
    TIMEOUT,
    RawClient,
    assert_still_serving,
    digits,
    exchange,
    exchange_then_closed,
    get,
)

if TYPE_CHECKING:
    from tests.rawhttp import StartLab

REPO = Path(__file__).resolve().parents[1]


def run_lab_cli(
    *args: str, lab_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lab`` expecting it to exit (it is killed after 10 s)."""
    env = {k: v for k, v in os.environ.items() if k != "LAB_URL"}
    if lab_url is not None:
        env["LAB_URL"] = lab_url
    command = [sys.executable, "-m", "lab", *args]
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=10
    )


def unused_port() -> int:
    """A port nothing listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- identity: which connection, which request ---------------------------------


def test_root_reports_identity_in_body_and_headers(lab_url: str) -> None:
    response = requests.get(f"{lab_url}/", timeout=TIMEOUT)
    body = response.json()
    assert response.status_code == 200
    assert response.headers["Server"] == "lab"
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.content)
    assert body == {
        "connection": int(response.headers["X-Lab-Connection"]),
        "request": int(response.headers["X-Lab-Connection-Request"]),
        "client_port": int(response.headers["X-Lab-Client-Port"]),
    }
    assert body["request"] == 1


def test_requests_on_a_kept_alive_connection_are_numbered(lab_url: str) -> None:
    with requests.Session() as session:
        bodies = [session.get(f"{lab_url}/", timeout=TIMEOUT).json() for _ in range(3)]
    assert [b["request"] for b in bodies] == [1, 2, 3]
    assert len({b["connection"] for b in bodies}) == 1
    assert len({b["client_port"] for b in bodies}) == 1


def test_client_port_is_the_clients_port(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/"))
        response = client.response()
        assert response.json()["client_port"] == client.sock.getsockname()[1]
        assert response.headers["x-lab-client-port"] == str(
            client.sock.getsockname()[1]
        )


def test_connections_are_numbered_in_accept_order(lab_url: str) -> None:
    with RawClient(lab_url) as a, RawClient(lab_url) as b, RawClient(lab_url) as c:
        numbers = {}
        for name, client in (("c", c), ("b", b), ("a", a)):  # ask in reverse
            client.send(get("/"))
            numbers[name] = client.response().json()["connection"]
    assert numbers["a"] < numbers["b"] < numbers["c"]


def test_pipelined_requests_are_answered_in_order(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/") + get("/echo") + get("/"))
        first, echo, third = (client.response() for _ in range(3))
    assert first.json()["request"] == 1
    assert echo.body == get("/echo")[:-2]
    assert third.json()["request"] == 3


# --- routes ------------------------------------------------------------------


def test_echo_returns_the_request_head_exactly(lab_url: str) -> None:
    head = (
        b"POST /echo?q=a%20b HTTP/1.1\r\nHost: lab\r\n"
        b"x-MiXeD-case:   odd  spacing \t\r\nContent-Length: 4\r\n"
    )
    response = exchange(lab_url, head + b"\r\nbody")
    assert response.status == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.body == head  # request line and headers, no final empty line


def test_close_route_answers_then_closes(lab_url: str) -> None:
    response = exchange_then_closed(lab_url, get("/close"))
    assert response.status == 200
    assert response.headers["connection"] == "close"
    assert response.json()["request"] == 1


def test_connection_close_from_the_client_is_honoured(lab_url: str) -> None:
    response = exchange_then_closed(lab_url, get("/", "Connection: close"))
    assert response.status == 200
    assert response.headers["connection"] == "close"


def test_http10_route_sends_an_http10_response_then_closes(lab_url: str) -> None:
    response = exchange_then_closed(lab_url, get("/http10"))
    assert response.status_line == "HTTP/1.0 200 OK"
    assert "connection" not in response.headers
    assert int(response.headers["content-length"]) == len(response.body)
    assert response.json()["request"] == 1


def test_http10_request_is_closed_after_the_response(lab_url: str) -> None:
    response = exchange_then_closed(lab_url, get("/", version="1.0"))
    assert response.status == 200
    assert response.headers["connection"] == "close"


def test_http10_request_can_ask_for_keep_alive(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        for number in (1, 2):
            client.send(get("/", "Connection: keep-alive", version="1.0"))
            response = client.response()
            assert response.headers["connection"] == "keep-alive"
            assert response.json()["request"] == number


def test_head_request_gets_headers_only(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(b"HEAD / HTTP/1.1\r\nHost: lab\r\n\r\n" + get("/"))
        head = client.response(head_request=True)
        following = client.response()  # no stray body bytes before it
    assert head.status == 200
    assert int(head.headers["content-length"]) > 0
    assert following.json()["request"] == 2


def test_idle_route_sets_the_connection_idle_timeout(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/idle/0.3"))
        number = client.response().json()["connection"]
        client.send(get("/"))  # within the idle time: still served
        assert client.response().json()["request"] == 2
        started = time.monotonic()
        client.expect_fin()
        idle = time.monotonic() - started
    assert 0.2 < idle < 3
    closed = requests.get(f"{lab_url}/wait-closed/{number}", timeout=TIMEOUT)
    assert (closed.status_code, closed.json()) == (200, {"closed": True})


def test_session_opens_a_new_connection_after_an_idle_close(lab_url: str) -> None:
    from lab import connection_closed

    with requests.Session() as session:
        first = session.get(f"{lab_url}/idle/0.1", timeout=TIMEOUT)
        assert connection_closed(first)
        second = session.get(f"{lab_url}/", timeout=TIMEOUT)
    assert second.json()["connection"] != first.json()["connection"]
    assert second.json()["request"] == 1


def test_idle_route_announces_its_timeout(lab_url: str) -> None:
    response = exchange(lab_url, get("/idle/0.5"))
    assert response.headers["keep-alive"] == "timeout=0.5"


def test_max_route_closes_after_request_n(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/max/3"))
        first = client.response()
        client.send(get("/"))  # any route counts towards the limit
        second = client.response()
        client.send(get("/"))
        last = client.response()
        client.expect_fin()
    assert first.headers["keep-alive"] == "timeout=30, max=2"
    assert "keep-alive" not in second.headers  # only /idle and /max announce
    assert [r.json()["request"] for r in (first, second, last)] == [1, 2, 3]
    assert "connection" not in first.headers
    assert "connection" not in second.headers
    assert last.headers["connection"] == "close"


def test_max_route_below_the_count_closes_at_once(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/"))
        client.response()
        client.send(get("/max/1"))
        response = client.response()
        client.expect_fin()
    assert response.headers["connection"] == "close"
    assert "keep-alive" not in response.headers


def test_max_and_idle_announce_together(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/max/5"))
        client.response()
        client.send(get("/idle/2"))
        assert client.response().headers["keep-alive"] == "timeout=2, max=3"


def test_hang_never_answers_until_the_client_leaves(start_lab: StartLab) -> None:
    server = start_lab()
    with RawClient(server.url) as client:
        client.send(get("/"))
        number = client.response().json()["connection"]
        client.send(get("/hang"))
        assert not client.readable(0.3)  # nothing came: not even a close
    closed = requests.get(f"{server.url}/wait-closed/{number}", timeout=TIMEOUT)
    assert closed.json() == {"closed": True}
    stats = requests.get(f"{server.url}/stats", timeout=TIMEOUT).json()
    assert stats == {"connections": 1, "requests": 2}


def test_requests_times_out_on_hang(lab_url: str) -> None:
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{lab_url}/hang", timeout=(TIMEOUT, 0.2))
    assert_still_serving(lab_url)


def test_blackhole_connects_never_complete(lab_url: str) -> None:
    first = requests.get(f"{lab_url}/blackhole", timeout=TIMEOUT).json()["url"]
    again = requests.get(f"{lab_url}/blackhole", timeout=TIMEOUT).json()["url"]
    assert first == again
    parts = urlsplit(first)
    assert parts.hostname == urlsplit(lab_url).hostname
    assert parts.port != urlsplit(lab_url).port
    for _ in range(3):  # not just once: the queue stays full
        with pytest.raises(requests.ConnectTimeout):
            requests.get(first, timeout=(0.2, TIMEOUT))
    assert_still_serving(lab_url)


def test_blackhole_is_a_control_route(start_lab: StartLab) -> None:
    server = start_lab()
    response = requests.post(f"{server.url}/blackhole", timeout=TIMEOUT)
    assert response.status_code == 405
    requests.get(f"{server.url}/blackhole", timeout=TIMEOUT)
    stats = requests.get(f"{server.url}/stats", timeout=TIMEOUT).json()
    assert stats == {"connections": 0, "requests": 0}


def test_delay_waits_without_blocking_other_connections(lab_url: str) -> None:
    with RawClient(lab_url) as slow:
        started = time.monotonic()
        slow.send(get("/delay/0.5"))
        fast = requests.get(f"{lab_url}/", timeout=TIMEOUT)
        fast_time = time.monotonic() - started
        assert not slow.readable(0)
        response = slow.response()
        slow_time = time.monotonic() - started
    assert fast.status_code == 200 and fast_time < 0.5
    assert response.status == 200 and 0.5 <= slow_time < 3
    assert response.json()["request"] == 1


def test_stream_sends_the_pattern_in_chunks_of_the_given_size(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/stream/25?chunk=10"))
        response = client.response()
        client.send(get("/"))  # the chunked body ended exactly
        assert client.response().json()["request"] == 2
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.chunks == [DIGITS, DIGITS, b"01234"]


def test_stream_of_zero_bytes(lab_url: str) -> None:
    response = exchange(lab_url, get("/stream/0"))
    assert response.status == 200 and response.chunks == []


def test_stream_a_larger_body_with_requests(lab_url: str) -> None:
    url = f"{lab_url}/stream/300007?chunk=65536"
    with requests.get(url, stream=True, timeout=TIMEOUT) as response:
        parts = list(response.iter_content(chunk_size=None))
    assert b"".join(parts) == digits(300007)


def test_stream_delay_pauses_between_chunks(lab_url: str) -> None:
    started = time.monotonic()
    response = exchange(lab_url, get("/stream/30?chunk=10&delay=0.2"))
    assert response.chunks == [DIGITS] * 3
    assert time.monotonic() - started >= 0.4  # two pauses


def test_stream_to_an_http10_client_is_delimited_by_the_close(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/stream/25", version="1.0"))
        response = client.response()
    assert "transfer-encoding" not in response.headers
    assert "content-length" not in response.headers
    assert response.headers["connection"] == "close"
    assert response.body == digits(25)


@pytest.mark.parametrize("code", [200, 201, 404, 418, 500, 503])
def test_status_route(lab_url: str, code: int) -> None:
    response = requests.get(f"{lab_url}/status/{code}", timeout=TIMEOUT)
    assert response.status_code == code
    assert response.json()["status"] == code
    assert "Retry-After" not in response.headers


def test_status_route_with_retry_after(lab_url: str) -> None:
    response = requests.get(f"{lab_url}/status/503?retry_after=7", timeout=TIMEOUT)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"


@pytest.mark.parametrize("code", [204, 304])
def test_status_without_content_has_no_body(lab_url: str, code: int) -> None:
    with RawClient(lab_url) as client:
        client.send(get(f"/status/{code}") + get("/"))
        response = client.response()
        following = client.response()  # no body bytes came in between
    assert response.status == code
    assert "content-length" not in response.headers
    assert following.json()["request"] == 2


def test_status_without_a_known_reason(lab_url: str) -> None:
    assert exchange(lab_url, get("/status/599")).status_line == "HTTP/1.1 599 Unknown"


def test_flaky_fails_k_times_then_succeeds_across_connections(lab_url: str) -> None:
    url = f"{lab_url}/flaky/{uuid.uuid4().hex}/2?status=429&retry_after=1"
    answers = [requests.get(url, timeout=TIMEOUT) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert [a.headers["X-Lab-Attempt"] for a in answers] == ["1", "2", "3"]
    assert [a.json()["attempt"] for a in answers] == [1, 2, 3]
    assert [a.headers.get("Retry-After") for a in answers] == ["1", "1", None]
    assert len({a.headers["X-Lab-Connection"] for a in answers}) == 3


def test_flaky_defaults_to_503(lab_url: str) -> None:
    url = f"{lab_url}/flaky/{uuid.uuid4().hex}/1"
    assert requests.get(url, timeout=TIMEOUT).status_code == 503


def test_flaky_with_urllib3_retry(lab_url: str) -> None:
    retry = Retry(total=3, status_forcelist=[503], backoff_factor=0)
    with requests.Session() as session:
        session.mount("http://", HTTPAdapter(max_retries=retry))
        url = f"{lab_url}/flaky/{uuid.uuid4().hex}/2"
        response = session.get(url, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.json()["attempt"] == 3


@pytest.mark.parametrize("fail", ["fin", "rst"])
def test_flaky_can_drop_the_connection(lab_url: str, fail: str) -> None:
    path = f"/flaky/{uuid.uuid4().hex}/1?fail={fail}"
    with RawClient(lab_url) as client:
        client.send(get(path))
        client.expect_fin() if fail == "fin" else client.expect_reset()
    response = exchange(lab_url, get(path))
    assert response.status == 200
    assert response.headers["x-lab-attempt"] == "2"


def test_fin_route_closes_without_answering_request_n(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/fin/2"))
        assert client.response().json()["request"] == 1
        client.send(get("/fin/2"))
        client.expect_fin()


def test_rst_route_resets_on_request_n(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/rst/1"))
        client.expect_reset()


@pytest.mark.parametrize("path", ["/fin/1", "/rst/1"])
def test_requests_reports_a_dropped_connection(lab_url: str, path: str) -> None:
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{lab_url}{path}", timeout=TIMEOUT)


@pytest.mark.parametrize(
    "path",
    [
        "/delay/abc",
        "/delay/-1",
        "/delay/nan",
        "/delay/301",
        "/idle/0",
        "/idle/61",
        "/status/99",
        "/status/600",
        "/status/200?retry_after=soon",
        "/stream/abc",
        f"/stream/{100 * 1024 * 1024 + 1}",
        "/stream/10?chunk=0",
        "/stream/10?chunk_size=5",
        "/flaky/key/x",
        "/flaky/key/1?fail=boom",
        "/flaky/key/1?status=200",
        "/fin/0",
        "/rst/x",
        "/max/0",
        "/max/1.5",
        "/wait-closed/0",
        "/wait-closed/1?timeout=31",
    ],
)
def test_invalid_parameters_get_400_and_keep_the_connection(
    lab_url: str, path: str
) -> None:
    with requests.Session() as session:
        response = session.get(f"{lab_url}{path}", timeout=TIMEOUT)
        following = session.get(f"{lab_url}/", timeout=TIMEOUT)
    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    assert following.json()["request"] == 2


def test_unknown_path_gets_404(lab_url: str) -> None:
    response = requests.get(f"{lab_url}/no/such/route", timeout=TIMEOUT)
    assert response.status_code == 404
    assert response.json() == {"error": "no route for /no/such/route"}


# --- control routes ----------------------------------------------------------


def test_stats_count_requests_and_connections_since_reset(start_lab: StartLab) -> None:
    url = start_lab().url

    def stats() -> dict[str, int]:
        return requests.get(f"{url}/stats", timeout=TIMEOUT).json()

    requests.get(f"{url}/", timeout=TIMEOUT)  # before the reset: forgotten
    assert requests.post(f"{url}/reset", timeout=TIMEOUT).json() == {"reset": True}
    assert stats() == {"connections": 0, "requests": 0}
    with requests.Session() as session:
        for path in ("/", "/echo", "/status/404", "/no/such/route"):
            session.get(f"{url}{path}", timeout=TIMEOUT)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/fin/1", timeout=TIMEOUT)  # dropped on purpose: counted
    requests.get(f"{url}/wait-closed/1", timeout=TIMEOUT)  # control: not counted
    assert stats() == {"connections": 2, "requests": 5}
    assert stats() == {"connections": 2, "requests": 5}


def test_a_slow_request_counts_when_it_arrives_not_when_answered(
    start_lab: StartLab,
) -> None:
    # A client that gave up on /delay must not show up in the counts of
    # whatever runs next, once the lab finally finishes that request.
    server = start_lab()

    def stats() -> dict[str, int]:
        return requests.get(f"{server.url}/stats", timeout=TIMEOUT).json()

    with RawClient(server.url) as client:
        client.send(get("/"))
        number = client.response().json()["connection"]
        client.send(get("/delay/1"))
        deadline = time.monotonic() + 0.5  # well before the delay is over
        while stats()["requests"] < 2:
            assert time.monotonic() < deadline, "not counted on arrival"
        requests.post(f"{server.url}/reset", timeout=TIMEOUT)
    closed = requests.get(f"{server.url}/wait-closed/{number}", timeout=TIMEOUT)
    assert closed.json() == {"closed": True}  # the delay is over
    assert stats() == {"connections": 0, "requests": 0}


def test_a_connection_counts_from_its_first_counted_request(
    start_lab: StartLab,
) -> None:
    url = start_lab().url
    with requests.Session() as session:
        session.post(f"{url}/reset", timeout=TIMEOUT)
        first = session.get(f"{url}/stats", timeout=TIMEOUT).json()
        session.get(f"{url}/", timeout=TIMEOUT)
        second = session.get(f"{url}/stats", timeout=TIMEOUT).json()
    assert first == {"connections": 0, "requests": 0}
    assert second == {"connections": 1, "requests": 1}


def test_reset_forgets_flaky_keys(lab_url: str) -> None:
    url = f"{lab_url}/flaky/{uuid.uuid4().hex}/1"
    assert requests.get(url, timeout=TIMEOUT).headers["X-Lab-Attempt"] == "1"
    requests.post(f"{lab_url}/reset", timeout=TIMEOUT).raise_for_status()
    assert requests.get(url, timeout=TIMEOUT).headers["X-Lab-Attempt"] == "1"


@pytest.mark.parametrize(
    "method, path, allow",
    [("GET", "/reset", "POST"), ("POST", "/stats", "GET, HEAD")],
)
def test_control_routes_check_the_method(
    lab_url: str, method: str, path: str, allow: str
) -> None:
    response = requests.request(method, f"{lab_url}{path}", timeout=TIMEOUT)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow


def test_wait_closed(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/"))
        number = client.response().json()["connection"]
        url = f"{lab_url}/wait-closed/{number}"
        still_open = requests.get(f"{url}?timeout=0.2", timeout=TIMEOUT)
        assert (still_open.status_code, still_open.json()) == (504, {"closed": False})
        with RawClient(lab_url) as waiter:
            waiter.send(get(f"/wait-closed/{number}"))
            assert not waiter.readable(0.1)
            client.sock.close()  # the lab notices, and answers the waiter
            answer = waiter.response()
    assert (answer.status, answer.json()) == (200, {"closed": True})
    started = time.monotonic()
    already = requests.get(url, timeout=TIMEOUT)
    assert already.json() == {"closed": True}
    assert time.monotonic() - started < 1
    unknown = requests.get(f"{lab_url}/wait-closed/999999999", timeout=TIMEOUT)
    assert unknown.status_code == 404


# --- bad input ---------------------------------------------------------------

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
    # closing with unread input would reset the connection while the client is
    # still sending (16 MiB is more than the loopback socket buffers hold).
    head = b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Length: 16777216\r\n\r\n"
    response = exchange_then_closed(lab_url, head + b"x" * 16 * 1024 * 1024)
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
    assert 0.25 < waited < 3
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
    assert 0.25 < waited < 3
    assert_still_serving(url)


def test_idle_timeout_closes_connections(start_lab: StartLab) -> None:
    url = start_lab("--idle-timeout", "0.3").url
    with RawClient(url) as never_asked, RawClient(url) as asked_once:
        asked_once.send(get("/"))
        assert asked_once.response().status == 200
        started = time.monotonic()
        never_asked.expect_fin()
        asked_once.expect_fin()
        waited = time.monotonic() - started
    assert waited < 3


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


# --- process: startup, logging, shutdown --------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_lab_promptly(start_lab: StartLab, signum: int) -> None:
    lab = start_lab()
    with RawClient(lab.url) as idle, RawClient(lab.url) as waiting:
        idle.send(get("/"))
        idle.response()
        waiting.send(get("/delay/60"))
        idle.send(get("/"))  # a round trip: the lab has read both requests
        idle.response()
        started = time.monotonic()
        lab.process.send_signal(signum)
        code = lab.process.wait(timeout=TIMEOUT)
        elapsed = time.monotonic() - started
        idle.expect_fin()
        waiting.expect_fin()
    assert code == 0
    assert elapsed < 1
    lab.stop()
    assert lab.output == "Lab server stopped\n"


def test_access_log(start_lab: StartLab) -> None:
    lab = start_lab(quiet=False)
    with requests.Session() as session:
        session.get(f"{lab.url}/echo", timeout=TIMEOUT)
        session.get(f"{lab.url}/status/404", timeout=TIMEOUT)
    exchange(lab.url, b"NONSENSE\r\n\r\n")
    lab.stop()
    log = lab.log.read_text().splitlines()
    assert "conn 1 req 1 GET /echo -> 200" in log
    assert "conn 1 req 2 GET /status/404 -> 404" in log
    assert any(line.startswith("conn 2 req 1 - -> 400 (malformed") for line in log)


def test_lab_url_sets_the_default_address(start_lab: StartLab) -> None:
    env = {**os.environ, "LAB_URL": "http://localhost:0"}
    lab = start_lab(port=None, env=env)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", lab.url)
    assert_still_serving(lab.url)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--host", "10.0.0.1"], "refusing to listen on 10.0.0.1"),
        (["--host", "example.com"], "only binds to loopback"),
        (["--port", "70000"], "argument --port: expected a port"),
        (["--idle-timeout", "-1"], "argument --idle-timeout: expected a positive"),
        (["--header-timeout", "nan"], "argument --header-timeout"),
        (["--body-timeout", "0"], "argument --body-timeout"),
        (["--max-connections", "0"], "argument --max-connections"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_lab_cli(*args, "--port", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("python -m lab: error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no usage, no traceback


def test_port_in_use_is_refused(lab_url: str) -> None:
    port = urlsplit(lab_url).port
    result = run_lab_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stderr == (
        f"python -m lab: error: port {port} is already in use; "
        "stop the other lab or pass --port\n"
    )


@pytest.mark.parametrize(
    "lab_url, message",
    [
        ("127.0.0.1:8765", "is not a URL like http://127.0.0.1:8765"),
        ("https://127.0.0.1:8765", "is not a URL like"),
        ("http://127.0.0.1:99999", "is not a URL like"),
        ("http://127.0.0.1:8765/path", "is not a URL like"),
        ("http://10.0.0.1:8765", "refusing to listen on 10.0.0.1"),
    ],
)
def test_bad_lab_url_exits_2(lab_url: str, message: str) -> None:
    result = run_lab_cli(lab_url=lab_url)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


# --- helpers for snippets (lab/__init__.py, lab/client.py) ----------------------


def test_lab_url_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import lab

    monkeypatch.setenv("LAB_URL", "http://127.0.0.1:9/")
    assert lab.LAB_URL == "http://127.0.0.1:9"
    monkeypatch.delenv("LAB_URL")
    assert lab.LAB_URL == lab.DEFAULT_URL == "http://127.0.0.1:8765"


def test_snippet_helpers(start_lab: StartLab, monkeypatch: pytest.MonkeyPatch) -> None:
    server = start_lab()
    monkeypatch.setenv("LAB_URL", server.url)
    from lab import LAB_URL, connection_closed, lab_stats, reset_lab

    assert server.url == LAB_URL
    requests.get(f"{LAB_URL}/", timeout=TIMEOUT)
    reset_lab()
    with requests.Session() as session:
        for _ in range(3):
            session.get(f"{LAB_URL}/", timeout=TIMEOUT)
        closing = session.get(f"{LAB_URL}/close", timeout=TIMEOUT)
    assert connection_closed(closing)
    assert connection_closed(closing.headers["X-Lab-Connection"])
    assert lab_stats() == {"connections": 1, "requests": 4}


def test_alias_url_names_the_same_lab_by_its_other_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lab

    monkeypatch.setenv("LAB_URL", "http://127.0.0.1:8765/")
    assert lab.LAB_ALIAS_URL == "http://localhost:8765"
    monkeypatch.setenv("LAB_URL", "http://localhost:9")
    assert lab.LAB_ALIAS_URL == "http://127.0.0.1:9"
    monkeypatch.setenv("LAB_URL", "http://[::1]:8765")
    with pytest.raises(RuntimeError, match=r"127\.0\.0\.1 or localhost"):
        lab.LAB_ALIAS_URL  # noqa: B018


def test_alias_url_reaches_the_lab(lab_url: str) -> None:
    from lab import LAB_ALIAS_URL

    with requests.Session() as session:
        first = session.get(f"{lab_url}/", timeout=TIMEOUT)
        other = session.get(f"{LAB_ALIAS_URL}/", timeout=TIMEOUT)
    # Two host names, two pools: a connection each, on the same server.
    assert other.json()["connection"] != first.json()["connection"]
    assert other.json()["request"] == 1


def test_blackhole_url_helper(lab_url: str) -> None:
    from lab import blackhole_url

    with pytest.raises(requests.ConnectTimeout):
        requests.get(blackhole_url(), timeout=(0.2, TIMEOUT))


def test_connection_closed_reports_an_open_connection(lab_url: str) -> None:
    from lab import connection_closed

    with requests.Session() as session:
        response = session.get(f"{lab_url}/", timeout=TIMEOUT)
        assert connection_closed(response, wait=0.2) is False
        with pytest.raises(RuntimeError, match="no connection 999999"):
            connection_closed(999_999, wait=0.2)


def _fetch_all(urls: list[str]) -> list[requests.Response]:
    """GET every URL at once, each in a thread of its own with a fresh connection."""
    with ThreadPoolExecutor(max_workers=len(urls)) as threads:
        return list(threads.map(lambda url: requests.get(url, timeout=TIMEOUT), urls))


def test_barrier_answers_once_n_requests_are_waiting(lab_url: str) -> None:
    request = b"GET /barrier/duo/2 HTTP/1.1\r\nHost: lab\r\n\r\n"
    with RawClient(lab_url) as first, RawClient(lab_url) as second:
        first.send(request)
        # Held: nothing to read. (A broken barrier answers within milliseconds.)
        assert select.select([first.sock], [], [], 0.3)[0] == []
        second.send(request)
        assert (first.response().status, second.response().status) == (200, 200)


def test_barrier_starts_a_new_group_once_full(lab_url: str) -> None:
    first, second = _fetch_all([f"{lab_url}/barrier/pair/2"] * 2)
    again = _fetch_all([f"{lab_url}/barrier/pair/2"] * 2)
    assert [r.status_code for r in (first, second, *again)] == [200] * 4


def test_barrier_times_out_when_too_few_arrive(lab_url: str) -> None:
    response = requests.get(f"{lab_url}/barrier/lonely/2?timeout=0.2", timeout=TIMEOUT)
    assert response.status_code == 504
    assert response.json()["error"] == "only 1 of 2 requests came within 0.2 s"
    # The timed-out request left the group: a full pair still meets.
    assert [r.status_code for r in _fetch_all([f"{lab_url}/barrier/lonely/2"] * 2)] == [
        200,
        200,
    ]


@pytest.mark.parametrize(
    "path",
    ["/barrier/k/0", "/barrier/k/x", "/barrier/k/2?timeout=-1", "/barrier/k/2?t=1"],
)
def test_barrier_rejects_bad_parameters(lab_url: str, path: str) -> None:
    response = requests.get(f"{lab_url}{path}", timeout=TIMEOUT)
    assert response.status_code == 400, response.text


def test_helpers_explain_a_missing_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    from lab import lab_stats, reset_lab

    url = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("LAB_URL", url)
    for helper in (reset_lab, lab_stats):
        with pytest.raises(RuntimeError) as info:
            helper()
        assert (
            str(info.value) == f"no lab server at {url}: start it with `python -m lab`"
        )
        assert isinstance(info.value.__cause__, requests.ConnectionError)


def test_run_starts_a_lab_runs_the_snippet_and_stops_the_lab(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "import sys\n"
        "import requests\n"
        "from lab import DEFAULT_URL, LAB_URL\n"
        "print(LAB_URL != DEFAULT_URL, requests.get(LAB_URL, timeout=5).status_code)\n"
        "print(LAB_URL)\n"
        "sys.exit(3)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "LAB_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "lab.run", str(snippet)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    answer, url = result.stdout.splitlines()
    assert (result.returncode, answer) == (3, "True 200"), result.stderr
    with pytest.raises(requests.ConnectionError):  # that lab is gone
        requests.get(url, timeout=TIMEOUT)


def test_run_refuses_a_missing_snippet() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lab.run", "no/such/snippet.py"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        result.stderr == "python -m lab.run: error: no such file: no/such/snippet.py\n"
    )
