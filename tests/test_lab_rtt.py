"""Lab tests: ``--rtt``, the emulated round-trip time.

A new connection waits one round trip before it carries data, and each chunk
is delivered half a round trip late, each way. Only lower bounds are safe on
a busy machine, so each cost is checked from below, and one comparison, made
in the same run, checks that a reused connection skips the handshakes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
import requests

from lab.delay import parse_rtt
from tests.rawhttp import TIMEOUT, RawClient, get

if TYPE_CHECKING:
    from collections.abc import Callable

    from lab.process import LabProcess

RTT = 0.05


@pytest.fixture(scope="module")
def slow_lab(start_module_lab: Callable[..., LabProcess]) -> LabProcess:
    return start_module_lab(rtt=RTT, https=True)


def timed_get(session: requests.Session, url: str) -> tuple[float, str]:
    """How long a GET took, and the number of the connection that carried it."""
    started = time.monotonic()
    response = session.get(url, timeout=TIMEOUT)
    return time.monotonic() - started, response.headers["X-Lab-Connection"]


def test_a_new_connection_costs_a_round_trip_more_and_tls_another(
    slow_lab: LabProcess,
) -> None:
    fresh: dict[str, list[float]] = {"http": [], "https": []}
    reused: list[float] = []
    for _ in range(2):  # interleaved: whatever slows the machine slows both
        for scheme, url in (("http", slow_lab.url), ("https", slow_lab.https_url)):
            with requests.Session() as session:
                session.verify = str(slow_lab.ca_bundle)
                took, opened = timed_get(session, url)
                fresh[scheme].append(took)
                took, carried = timed_get(session, url)
                reused.append(took)
                assert carried == opened
    # TCP's handshake, then the request: 2 round trips; TLS 1.3 adds one.
    assert min(fresh["http"]) >= 2 * RTT, fresh
    assert min(fresh["https"]) >= 3 * RTT, fresh
    assert min(reused) >= RTT, reused
    # The one upper bound, with a round trip to spare: a reused connection
    # pays for no handshake, at least once in four tries.
    assert min(reused) < 2 * RTT, reused


def test_the_client_port_is_the_client_s_not_the_relay_s(slow_lab: LabProcess) -> None:
    with RawClient(slow_lab.url) as client:
        client.send(get("/"))
        answer = client.response()
        assert answer.headers["x-lab-client-port"] == str(client.sock.getsockname()[1])


@pytest.mark.parametrize("how", ["fin", "rst"])
def test_a_close_or_a_reset_reaches_the_client_as_such(
    slow_lab: LabProcess, how: str
) -> None:
    with RawClient(slow_lab.url) as client:
        client.send(get(f"/{how}/1"))
        client.expect_fin() if how == "fin" else client.expect_reset()


@pytest.mark.parametrize(
    "text, seconds",
    [("50ms", 0.05), ("0.05s", 0.05), ("0", 0.0), ("0ms", 0.0), ("1.5ms", 0.0015)],
)
def test_rtt_values(text: str, seconds: float) -> None:
    assert parse_rtt(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["50", "-1ms", "ms", "1e3ms", "50 ms", "11s", "nan"])
def test_bad_rtt_values_say_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="expected a round-trip time such as 50ms"):
        parse_rtt(text)
