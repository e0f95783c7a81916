"""Lab tests: the control routes /stats, /reset and /wait-closed.

They are never counted in the stats themselves; requests count as they arrive;
each control route answers only its own methods.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

import pytest
import requests

from tests.rawhttp import TIMEOUT, RawClient, exchange, get

if TYPE_CHECKING:
    from tests.rawhttp import StartLab


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
    # A slow request must not show up in the counts of whatever runs next,
    # once the lab finally answers it. The slow request waits at a /barrier: it
    # cannot be answered before a second one comes, however long counting it
    # takes on a busy machine.
    server = start_lab()
    barrier = get("/barrier/slow/2")

    def stats() -> dict[str, int]:
        return requests.get(f"{server.url}/stats", timeout=TIMEOUT).json()

    with RawClient(server.url) as client:
        client.send(get("/"))
        client.response()
        client.send(barrier)
        deadline = time.monotonic() + TIMEOUT
        while stats()["requests"] < 2:
            assert time.monotonic() < deadline, "not counted on arrival"
        assert not client.readable(0)  # counted, and still unanswered
        requests.post(f"{server.url}/reset", timeout=TIMEOUT)
        assert exchange(server.url, barrier).status == 200  # frees the first one
        assert client.response().status == 200  # answered after the reset...
    assert stats() == {"connections": 1, "requests": 1}  # ...counted before it


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
    # Already closed: answered at once. Waiting for this request's own 30 s
    # timeout would overrun the 5 s client timeout and fail the test.
    already = requests.get(f"{url}?timeout=30", timeout=TIMEOUT)
    assert (already.status_code, already.json()) == (200, {"closed": True})
    unknown = requests.get(f"{lab_url}/wait-closed/999999999", timeout=TIMEOUT)
    assert unknown.status_code == 404
