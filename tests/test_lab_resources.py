"""Clients that leave, or never read, give back what they held.

Each test is a small version of a load in tests/lab_load.py that once
exhausted the lab: a slot held by a client long gone, memory held for a client
that never reads, memory held for every /flaky key. `python -m tests.lab_load`
runs the full loads and prints the lab's peak memory under each.
"""

from __future__ import annotations

import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import TYPE_CHECKING

import pytest
import requests

from lab.state import FlakyAttempts
from tests.lab_load import (
    Memory,
    connect,
    departing,
    flaky_keys,
    non_reading,
    request,
    status_of,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from lab.process import LabProcess

    StartLab = Callable[..., LabProcess]

TIMEOUT = 5.0


def wait_closed(url: str, number: int, timeout: float = 3) -> bool:
    """Whether the lab closes connection `number` within `timeout` seconds."""
    answer = requests.get(
        f"{url}/wait-closed/{number}?timeout={timeout:g}", timeout=timeout + TIMEOUT
    )
    closed: bool = answer.json()["closed"]
    return closed


def connection_number(sock: socket.socket) -> int:
    """Ask `/` on the socket and read the whole answer: the connection's number.

    With nothing left unread, closing the socket sends a FIN, not a reset that
    could destroy a request the lab has not read yet.
    """
    sock.sendall(request("/"))
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(4096)
    head, _, body = received.partition(b"\r\n\r\n")
    fields = dict(line.lower().split(b": ", 1) for line in head.split(b"\r\n")[1:])
    while len(body) < int(fields[b"content-length"]):
        body += sock.recv(4096)
    return int(fields[b"x-lab-connection"])


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
    with connect(lab_url) as kept_open, connect(lab_url) as leaves:
        kept = connection_number(kept_open)
        number = connection_number(leaves)
        leaves.sendall(request(path.format(key=uuid.uuid4().hex, kept=kept)))
        received = b""
        while not received.endswith(sent_at_once):  # read all: then close is a FIN
            received += leaves.recv(4096)
        leaves.close()
        # Not when the answer is due (20 s): now.
        assert wait_closed(lab_url, number)


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
    with connect(lab_url) as leaves:
        number = connection_number(leaves)
        leaves.sendall(request(path))
    assert wait_closed(lab_url, number)
    # Had the first request still counted, the second would be answered alone
    # and the third would time out waiting for a partner.
    with ThreadPoolExecutor(2) as pool:
        statuses = pool.map(
            lambda _: requests.get(lab_url + path, timeout=TIMEOUT).status_code,
            range(2),
        )
    assert list(statuses) == [200, 200]


def test_a_client_that_sends_too_much_while_waiting_is_closed(lab_url: str) -> None:
    with connect(lab_url) as floods:
        number = connection_number(floods)
        # The lab may reset the connection before all of it is sent.
        with suppress(ConnectionError):
            floods.sendall(request("/delay/20") + b"x" * (128 * 1024))
        assert wait_closed(lab_url, number)


# --- clients that never read -----------------------------------------------------


def test_a_client_that_stops_reading_is_dropped_after_the_write_timeout(
    start_lab: StartLab,
) -> None:
    lab = start_lab("--write-timeout", "0.5", quiet=False)
    with non_reading(lab.url, 1):  # connection 1
        assert wait_closed(lab.url, 1, timeout=10)
    lab.stop()
    assert "closed (client read nothing for 0.5 s)" in lab.log.read_text()


def test_a_slow_reader_is_not_dropped(start_lab: StartLab) -> None:
    """The write timeout measures a stalled write, not the pauses between them."""
    url = start_lab("--write-timeout", "0.2").url
    response = requests.get(f"{url}/stream/30?chunk=10&delay=0.4", timeout=TIMEOUT)
    assert response.content == b"0123456789" * 3


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


def test_a_flaky_key_costs_a_digest_not_its_length(start_lab: StartLab) -> None:
    lab = start_lab()
    before = Memory.of(lab.process.pid)
    keys = 1000  # of 16 KiB each: 16 MiB of keys
    assert set(flaky_keys(lab.url, keys)) == {200}
    grown = Memory.of(lab.process.pid).peak - before.rss
    assert grown < 6, f"the lab's peak grew by {grown:.0f} MiB for {keys} keys"


def test_the_least_recently_used_flaky_key_is_forgotten_first() -> None:
    attempts = FlakyAttempts(limit=2)
    assert [attempts.count(key) for key in "aab"] == [1, 2, 1]
    assert attempts.count("c") == 1  # over the limit: "a" is forgotten, not "c"
    assert attempts.count("b") == 2
    assert attempts.count("a") == 1
