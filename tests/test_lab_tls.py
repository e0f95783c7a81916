"""Lab tests: HTTPS. The same routes over TLS, what the lab reports of each
handshake (X-Lab-TLS-Session, X-Lab-TLS-Version, the TLS counts in /stats),
/stall, and bad TLS input: after each case, the next client is served.
"""

from __future__ import annotations

import socket
import ssl
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import requests
import urllib3

import lab
from lab import lab_stats, reset_lab, stall_url
from tests.rawhttp import TIMEOUT, RawClient, get

if TYPE_CHECKING:
    from collections.abc import Callable

    from lab.process import LabProcess

HANDSHAKE_TIMEOUT = 0.3  # for the lab whose clients stall their handshake
STALL_TIMEOUT = (0.2, 1.0)  # a stalled client gives up after the connect timeout


def https_get(path: str = "/", of: LabProcess | None = None) -> requests.Response:
    """A request on a new HTTPS connection to a lab (the session's by default),
    trusting its CA."""
    base, ca = (of.https_url, of.ca_bundle) if of else (lab.LAB_HTTPS_URL, None)
    verify = str(ca or lab.LAB_CA_BUNDLE)
    return requests.get(f"{base}{path}", verify=verify, timeout=TIMEOUT)


def assert_https_served(of: LabProcess | None = None) -> None:
    """The bad input did not hurt the lab: a proper HTTPS client gets a 200."""
    assert https_get(of=of).status_code == 200


def tls_facts(response: requests.Response) -> tuple[str | None, str | None]:
    return (
        response.headers.get("X-Lab-TLS-Session"),
        response.headers.get("X-Lab-TLS-Version"),
    )


def client_context(version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=lab.LAB_CA_BUNDLE)
    if version is not None:
        context.maximum_version = version
    return context


def get_over_stdlib_tls(
    context: ssl.SSLContext, session: ssl.SSLSession | None = None
) -> tuple[bytes, ssl.SSLSession | None]:
    """GET / on a new connection with the ssl module, offering `session` to
    resume; the answer's head, and the session to offer next time."""
    address = urlsplit(lab.LAB_HTTPS_URL)
    with (
        socket.create_connection((address.hostname, address.port), TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname="localhost", session=session) as tls,
    ):
        tls.sendall(get("/", "Connection: close"))
        answer = b""
        while data := tls.recv(65536):
            answer += data
        # TLS 1.3 tickets arrive after the handshake: by now they have.
        return answer.partition(b"\r\n\r\n")[0], tls.session


def client_hello() -> bytes:
    """The first bytes a real TLS client sends: its ClientHello record."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    # Which CAs a client trusts is not in its hello: any context will do, and
    # this one needs no lab to have written its CA file yet.
    context = ssl.create_default_context()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def tls_1_1_client_hello() -> bytes:
    """A ClientHello offering TLS 1.1 at most, written out byte by byte: this
    machine's OpenSSL may refuse to send one at all. A server that accepted
    TLS 1.1 would answer it (tests/test_lab_tls.py saw one do so)."""

    def extension(kind: int, data: bytes) -> bytes:
        return kind.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data

    extensions = extension(0x000A, b"\x00\x04\x00\x1d\x00\x17")  # x25519, P-256
    extensions += extension(0x000B, b"\x01\x00")  # uncompressed points
    body = (
        b"\x03\x02"  # client_version: TLS 1.1
        + bytes(32)  # random
        + b"\x00"  # no session id
        + b"\x00\x04\xc0\x09\xc0\x13"  # ECDHE with ECDSA or RSA, AES-128, SHA-1
        + b"\x01\x00"  # no compression
        + len(extensions).to_bytes(2, "big")
        + extensions
    )
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body  # ClientHello
    return b"\x16\x03\x01" + len(handshake).to_bytes(2, "big") + handshake


def assert_closed_without_a_server_hello(client: RawClient) -> None:
    """The lab closes the connection, having sent no handshake record."""
    try:
        data = client.sock.recv(65536)
    except ConnectionResetError:
        data = b""
    shown = f"{data[:40]!r}, {len(data)} bytes"
    assert data == b"", f"expected the lab to close the connection, got {shown}"


# --- HTTPS, and what the lab reports of it ---------------------------------------


def test_the_same_routes_over_tls(lab_url: str) -> None:
    reset_lab()
    with requests.Session() as session:
        session.verify = lab.LAB_CA_BUNDLE
        first = session.get(f"{lab.LAB_HTTPS_URL}/", timeout=TIMEOUT)
        second = session.get(f"{lab.LAB_HTTPS_URL}/status/201", timeout=TIMEOUT)
    assert (first.status_code, second.status_code) == (200, 201)
    assert second.json()["connection"] == first.json()["connection"]
    assert second.headers["X-Lab-Connection-Request"] == "2"
    # Both answers describe their connection's handshake: one, and a full one.
    assert tls_facts(first) == tls_facts(second) == ("new", "TLSv1.3")
    assert lab_stats() == {
        "connections": 1,
        "requests": 2,
        "tls_full": 1,
        "tls_resumed": 0,
    }


def test_localhost_is_in_the_certificate_too(lab_url: str) -> None:
    port = urlsplit(lab.LAB_HTTPS_URL).port
    url = f"https://localhost:{port}/"
    assert requests.get(url, verify=lab.LAB_CA_BUNDLE, timeout=TIMEOUT).ok


def test_plain_http_reports_no_tls(lab_url: str) -> None:
    reset_lab()
    response = requests.get(lab_url, timeout=TIMEOUT)
    assert tls_facts(response) == (None, None)
    assert lab_stats() == {"connections": 1, "requests": 1}


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_a_client_that_resumes_its_session_is_reported_as_resumed(
    lab_url: str, version: str
) -> None:
    context = client_context(ssl.TLSVersion[version])
    reset_lab()
    first, session = get_over_stdlib_tls(context)
    second, _ = get_over_stdlib_tls(context, session)
    expected = version.replace("_", ".").encode()
    assert f"X-Lab-TLS-Session: new\r\nX-Lab-TLS-Version: {expected.decode()}" in (
        first.decode()
    )
    assert b"X-Lab-TLS-Session: resumed\r\n" in second
    stats = lab_stats()
    assert (stats["tls_full"], stats["tls_resumed"]) == (1, 1)


def test_requests_never_resumes_a_session(lab_url: str) -> None:
    reset_lab()
    with requests.Session() as session:
        session.verify = lab.LAB_CA_BUNDLE
        closing = session.get(f"{lab.LAB_HTTPS_URL}/close", timeout=TIMEOUT)
        after = session.get(f"{lab.LAB_HTTPS_URL}/", timeout=TIMEOUT)
    assert closing.json()["connection"] != after.json()["connection"]
    assert tls_facts(closing) == tls_facts(after) == ("new", "TLSv1.3")
    assert (lab_stats()["tls_full"], lab_stats()["tls_resumed"]) == (2, 0)


# --- /stall: a server that accepts, then says and reads nothing --------------------


def test_a_stalled_tls_handshake_is_a_read_timeout_bounded_by_connect(
    lab_url: str,
) -> None:
    connect, read = STALL_TIMEOUT
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout) as info:
        requests.get(
            stall_url("https"), verify=lab.LAB_CA_BUNDLE, timeout=STALL_TIMEOUT
        )
    assert time.monotonic() - started < read  # the connect timeout ended it
    assert f"(read timeout={connect})" in str(info.value)


def test_an_upload_to_a_server_that_stops_reading_stalls_in_the_send(
    lab_url: str,
) -> None:
    # More than the kernel buffers on both sides (about 4 MiB here), and little
    # enough that a server that does read takes it all within the timeout.
    body = bytes(16 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError) as info:
        requests.post(stall_url(), data=body, timeout=STALL_TIMEOUT)
    assert time.monotonic() - started < STALL_TIMEOUT[1]  # the connect timeout
    reason = info.value.args[0]
    assert isinstance(reason, urllib3.exceptions.ProtocolError)
    assert reason.args == ("Connection aborted.", reason.args[1])
    assert isinstance(reason.args[1], TimeoutError)


def test_stall_holds_only_the_most_recent_connections(lab_url: str) -> None:
    from lab.state import STALL_HELD

    url = stall_url()
    clients = [RawClient(url) for _ in range(STALL_HELD + 1)]
    try:
        clients[0].expect_fin()  # closed once the last one is accepted
    finally:
        for client in clients:
            client.sock.close()


# --- bad TLS input: the lab drops the client, and serves the next one ----------------


def test_plain_http_on_the_tls_port(lab_url: str) -> None:
    with RawClient(lab.LAB_HTTPS_URL) as client:
        client.send(get("/"))
        assert_closed_without_a_server_hello(client)
    assert_https_served()


def test_a_client_that_stops_halfway_through_its_client_hello(lab_url: str) -> None:
    hello = client_hello()
    with RawClient(lab.LAB_HTTPS_URL) as client:
        client.send(hello[: len(hello) // 2])
        client.sock.shutdown(socket.SHUT_WR)
        assert_closed_without_a_server_hello(client)
    assert_https_served()


def test_a_client_that_offers_only_tls_1_1(lab_url: str) -> None:
    with RawClient(lab.LAB_HTTPS_URL) as client:
        client.send(tls_1_1_client_hello())
        assert_closed_without_a_server_hello(client)
    assert_https_served()


@pytest.fixture(scope="module")
def impatient_lab(start_module_lab: Callable[..., LabProcess]) -> LabProcess:
    return start_module_lab("--handshake-timeout", str(HANDSHAKE_TIMEOUT), https=True)


@pytest.mark.parametrize(
    "sent", ["nothing", "half a ClientHello"], ids=["silent", "half_hello"]
)
def test_a_stalled_handshake_is_dropped_after_the_handshake_timeout(
    impatient_lab: LabProcess, sent: str
) -> None:
    started = time.monotonic()
    with RawClient(impatient_lab.https_url) as client:
        if sent != "nothing":
            hello = client_hello()
            client.send(hello[: len(hello) // 2])
        assert_closed_without_a_server_hello(client)
    assert time.monotonic() - started >= HANDSHAKE_TIMEOUT
    assert_https_served(impatient_lab)
