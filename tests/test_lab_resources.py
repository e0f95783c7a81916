"""Clients that leave, or never read, give back what they held.

Each load test is a small version of a load in tests/lab_load.py that once
exhausted the lab: a slot held by a client long gone, memory held for a client
that never reads, memory held for every /flaky key. `python -m tests.lab_load`
runs the full loads and prints the lab's peak memory under each.
"""

from __future__ import annotations

import socket
import time
import tracemalloc
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
import requests

from lab.connection import MAX_PIPELINED
from lab.state import FlakyAttempts
from tests.lab_load import Memory, departing, non_reading, status_of
from tests.rawhttp import TIMEOUT, RawClient, get

if TYPE_CHECKING:
    from tests.rawhttp import StartLab


def wait_closed(url: str, number: int, timeout: float = 3) -> bool:
    """Whether the lab closes connection `number` within `timeout` seconds."""
    answer = requests.get(
        f"{url}/wait-closed/{number}?timeout={timeout:g}", timeout=timeout + TIMEOUT
    )
    closed: bool = answer.json()["closed"]
    return closed


def connection_number(client: RawClient) -> int:
    """Ask `/` and read the whole answer: the number the lab gave the connection.

    With nothing left unread, closing the socket sends a FIN, not a reset that
    could destroy a request the lab has not read yet.
    """
    client.send(get("/"))
    return int(client.response().json()["connection"])


def waiting(url: str, client: RawClient, path: str) -> None:
    """Send `path` on the client; return once the lab is working on it.

    The lab counts a request when it arrives, and starts its route at once: a
    count in /stats means what the client sends next arrives while it waits.
    """
    count = requests.get(f"{url}/stats", timeout=TIMEOUT).json()["requests"]
    client.send(get(path))
    deadline = time.monotonic() + TIMEOUT
    while requests.get(f"{url}/stats", timeout=TIMEOUT).json()["requests"] == count:
        assert time.monotonic() < deadline, f"the lab never counted {path}"


# --- clients that leave while their request waits ------------------------------


@pytest.mark.parametrize(
    "path, sent_at_once",
    [
        ("/delay/20", b""),
        ("/barrier/{key}/2?timeout=20", b""),
        ("/hang", b""),
        ("/wait-closed/{kept}?timeout=20", b""),
        # The head and a first chunk come at once; the next one in 20 s.
        ("/stream/100?chunk=10&delay=20", b"a\r\n0123456789\r\n"),
    ],
)
def test_a_client_that_leaves_a_waiting_request_is_closed_at_once(
    lab_url: str, path: str, sent_at_once: bytes
) -> None:
    with RawClient(lab_url) as kept_open, RawClient(lab_url) as leaves:
        kept = connection_number(kept_open)
        number = connection_number(leaves)
        leaves.send(get(path.format(key=uuid.uuid4().hex, kept=kept)))
        received = b""
        while not received.endswith(sent_at_once):  # read all: then close is a FIN
            received += leaves.sock.recv(4096)
        leaves.sock.close()
        # Not when the answer is due (20 s): now.
        assert wait_closed(lab_url, number)


def test_a_half_close_counts_as_leaving(lab_url: str) -> None:
    """A client that shuts down its sending side is taken to have left: no server
    can tell that from a close without writing to it."""
    with RawClient(lab_url) as client:
        client.send(get(f"/barrier/{uuid.uuid4().hex}/2?timeout=20"))
        client.sock.shutdown(socket.SHUT_WR)
        assert client.sock.recv(1) == b""  # closed, unanswered, long before 20 s


def test_clients_that_leave_give_their_slots_back(start_lab: StartLab) -> None:
    url = start_lab("--max-connections", "5").url
    departing(url, 4, "/delay/20")  # connections 1 to 4
    with requests.Session() as session:  # connection 5, for every wait
        for number in range(1, 5):
            closed = session.get(f"{url}/wait-closed/{number}?timeout=3", timeout=8)
            assert closed.json() == {"closed": True}
        assert status_of(url) == 200  # connection 6: a slot was free


def test_a_client_that_leaves_a_barrier_stops_counting(lab_url: str) -> None:
    path = f"/barrier/{uuid.uuid4().hex}/2?timeout=20"
    with RawClient(lab_url) as leaves:
        number = connection_number(leaves)
        leaves.send(get(path))
    assert wait_closed(lab_url, number)
    # Had the first request still counted, the second would be answered alone
    # and the third would time out waiting for a partner.
    with ThreadPoolExecutor(2) as pool:
        statuses = pool.map(
            lambda _: requests.get(lab_url + path, timeout=TIMEOUT).status_code,
            range(2),
        )
    assert list(statuses) == [200, 200]


# --- what a client sends while its request waits ---------------------------------


def test_requests_sent_while_one_waits_are_answered_in_order(lab_url: str) -> None:
    barrier = f"/barrier/{uuid.uuid4().hex}/2"
    # Four requests that fill what the lab keeps to the last byte.
    padding = "X-Padding: " + "p" * 16_000
    echo = get("/echo", padding)
    echo = get("/echo", padding + "p" * (MAX_PIPELINED // 4 - len(echo)))
    assert len(echo * 4) == MAX_PIPELINED
    with RawClient(lab_url) as client:
        waiting(lab_url, client, barrier)
        client.send(echo * 4)
        assert exchange_status(lab_url, barrier) == 200  # releases the first
        answers = [client.response() for _ in range(5)]
        client.send(get("/"))  # and the connection is still open
        answers.append(client.response())
    assert [answer.status for answer in answers] == [200] * 6
    assert [answer.body for answer in answers[1:5]] == [echo[:-2]] * 4


def test_what_a_client_sends_beyond_the_limit_is_dropped_with_the_connection(
    lab_url: str,
) -> None:
    barrier = f"/barrier/{uuid.uuid4().hex}/2"
    with RawClient(lab_url) as client:
        waiting(lab_url, client, barrier)
        client.send(get("/echo").ljust(MAX_PIPELINED + 1, b"x"))
        assert exchange_status(lab_url, barrier) == 200  # releases the first
        answer = client.response()
        client.expect_fin()
    # The waiting request is answered, and told the connection will close.
    assert (answer.status, answer.headers["connection"]) == (200, "close")


def exchange_status(url: str, path: str) -> int:
    return requests.get(url + path, timeout=TIMEOUT).status_code


# --- clients that never read -----------------------------------------------------


def test_a_client_that_stops_reading_is_dropped_after_the_write_timeout(
    start_lab: StartLab,
) -> None:
    lab = start_lab("--write-timeout", "0.5", quiet=False)
    with non_reading(lab.url, 1):  # connection 1
        assert wait_closed(lab.url, 1, timeout=10)
    lab.stop()
    assert "closed (client read nothing for 0.5 s)" in lab.log.read_text()


def test_the_write_timeout_does_not_count_a_stream_s_pauses(
    start_lab: StartLab,
) -> None:
    url = start_lab("--write-timeout", "0.2").url
    response = requests.get(f"{url}/stream/30?chunk=10&delay=0.4", timeout=TIMEOUT)
    assert response.content == b"0123456789" * 3


def test_a_slow_but_steady_reader_is_not_dropped(start_lab: StartLab) -> None:
    lab = start_lab("--write-timeout", "1.5", quiet=False)
    size = 48 * 1024 * 1024  # more than the kernel buffers: the lab's writes stall
    with RawClient(lab.url) as client:
        client.send(get(f"/stream/{size}?chunk={1024 * 1024}"))
        # Takes 32 KiB every 0.25 s for 3 s. The lab sees that as its queue
        # shrinking each time the client's window reopens (every 64 KiB on
        # loopback), while a write of one piece waits far longer than 1.5 s.
        for _ in range(12):
            client.pending += client.sock.recv(32 * 1024)
            time.sleep(0.25)  # the slowness under test, not a wait for an event
        body = client.response().body  # the rest, at full speed
    assert len(body) == size
    lab.stop()
    assert "read nothing" not in lab.log.read_text()


def test_clients_that_never_read_cost_the_lab_little(start_lab: StartLab) -> None:
    lab = start_lab("--write-timeout", "1")
    clients = 80
    before = Memory.of(lab.process.pid)
    with non_reading(lab.url, clients):  # connections 1 to 80, 100 MiB each asked
        for number in range(1, clients + 1):
            assert wait_closed(lab.url, number, timeout=10)
    grown = Memory.of(lab.process.pid).peak - before.rss
    # Seen here: about 0.1 MiB a client writing 64 KiB at a time, 0.3 MiB
    # writing whole 1 MiB chunks, and over 1 MiB with no write timeout.
    assert grown < clients * 0.2, f"the lab's peak grew by {grown:.0f} MiB"


# --- /flaky keys ------------------------------------------------------------------


def test_a_flaky_key_costs_a_digest_not_its_length() -> None:
    keys = [f"{number:05d}".ljust(16 * 1024, "k") for number in range(1000)]
    attempts = FlakyAttempts()
    tracemalloc.start()
    try:
        for key in keys:  # 16 MiB of keys
            attempts.count(key)
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Keeping each key itself would cost 16 KiB a key; a digest costs bytes.
    assert kept < 1000 * 1024, f"1000 keys cost {kept} bytes"
    assert [attempts.count(key) for key in keys[:2]] == [2, 2]


def test_the_least_recently_used_flaky_key_is_forgotten_first() -> None:
    attempts = FlakyAttempts(limit=2)
    assert [attempts.count(key) for key in "aab"] == [1, 2, 1]
    assert attempts.count("c") == 1  # over the limit: "a" is forgotten, not "c"
    assert attempts.count("b") == 2
    assert attempts.count("a") == 1
