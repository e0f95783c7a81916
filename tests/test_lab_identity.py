"""Lab tests: identity. Every answer says which connection carried it (numbered
in accept order), which request it was on that connection, and the client's
port; pipelined requests are answered in order.
"""

from __future__ import annotations

import requests

from tests.rawhttp import TIMEOUT, RawClient, get


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
