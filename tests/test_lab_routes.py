"""Lab tests: the routes that shape answers and connections.

/echo, /close, /http10, /idle, /max, /hang, /blackhole, /delay, /stream,
/status, /flaky, /fin, /rst and /barrier: what each answers, when it closes or
drops the connection, how Requests sees that, and the 400 for each bad
parameter (the connection stays open) and the 404 for an unknown path.
"""

from __future__ import annotations

import select
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
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


def test_idle_route_sets_the_connection_idle_timeout(start_lab: StartLab) -> None:
    lab = start_lab(quiet=False)
    with RawClient(lab.url) as client:
        # Sent together: request 2 is in before any idle time can run out, however
        # slowly this client runs. The timeout is the connection's, not the request's.
        client.send(get("/idle/0.3") + get("/"))
        number = client.response().json()["connection"]
        assert client.response().json()["request"] == 2
        started = time.monotonic()
        client.expect_fin()
        idle = time.monotonic() - started
    assert idle > 0.2
    closed = requests.get(f"{lab.url}/wait-closed/{number}", timeout=TIMEOUT)
    assert (closed.status_code, closed.json()) == (200, {"closed": True})
    lab.stop()
    # Why it closed, in the lab's words: no upper bound on a busy machine's clock.
    assert f"conn {number} closed (idle for 0.3 s)" in lab.log.read_text().splitlines()


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
    with RawClient(lab_url) as slow, RawClient(lab_url) as slowest:
        started = time.monotonic()
        slow.send(get("/delay/0.5"))
        slowest.send(get("/delay/60"))
        fast = requests.get(f"{lab_url}/", timeout=TIMEOUT)
        response = slow.response()
        slow_time = time.monotonic() - started
        # Both answered while a 60 s delay still runs: a delay holds its own
        # request only, however busy the machine.
        assert not slowest.readable(0)
    assert fast.status_code == 200
    assert response.status == 200 and slow_time >= 0.5
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


def test_after_next_answers_once_the_next_request_arrives(lab_url: str) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/after-next"))
        # Held: nothing to read. (A broken route answers within milliseconds.)
        assert select.select([client.sock], [], [], 0.3)[0] == []
        client.send(get("/"))
        first, second = client.response(), client.response()
    assert (first.json()["request"], second.json()["request"]) == (1, 2)


def test_after_next_answers_at_its_timeout_without_a_next_request(
    lab_url: str,
) -> None:
    started = time.monotonic()
    response = requests.get(f"{lab_url}/after-next?timeout=0.2", timeout=TIMEOUT)
    assert response.status_code == 200 and time.monotonic() - started >= 0.2


@pytest.mark.parametrize("query", ["timeout=-1", "timeout=61", "wait=1"])
def test_after_next_rejects_bad_parameters(lab_url: str, query: str) -> None:
    response = requests.get(f"{lab_url}/after-next?{query}", timeout=TIMEOUT)
    assert response.status_code == 400, response.text


def test_close_unsaid_keeps_quiet_then_closes_at_the_next_request(
    lab_url: str,
) -> None:
    with RawClient(lab_url) as client:
        client.send(get("/close-unsaid", "Connection: close"))
        response = client.response()
        assert "connection" not in response.headers, response.headers
        assert not client.readable(0.2)  # still open: no FIN yet
        client.send(get("/"))
        client.expect_fin()  # unanswered
    assert response.status == 200
