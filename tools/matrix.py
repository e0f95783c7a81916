"""Measure what real servers do with a kept-alive connection: `make matrix`.

    python -m tools.matrix                 (or: make matrix)
    python -m tools.matrix --short         (short settings, seconds; writes nothing)

It starts every server in servers/registry.py with its real defaults (HAProxy
in front of a lab of its own), measures every cell of the keep-alive matrix
on raw sockets (tests/rawhttp.py), and writes data/keepalive-matrix.json, from
which the build makes the table of docs/keep-alive-matrix.md. Every server and
every cell is measured at the same time: the long waits (nginx keeps an idle
connection 75 s, waitress 120 s and more) run side by side. `make test` runs
the same code with servers.registry.SHORT settings, so that it cannot rot.

A server that cannot start stops it with that server's reason, and the data
file is left as it was.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from lab.process import LabProcess
from servers.process import RunningServer, ServerStartError, running
from servers.registry import DEFAULTS, ROOT, SERVERS, SHORT, Server, Settings
from tests.rawhttp import ClosedByPeer, RawClient, RawResponse, get
from tools.data_file import add_output_option, write_whole

DATA_FILE = ROOT / "data" / "keepalive-matrix.json"


@dataclasses.dataclass(frozen=True)
class Probe:
    """How long to wait, and how far to go, while measuring."""

    idle_wait: float  # for an idle connection to be closed, in seconds
    request_cap: int  # the most requests sent on one connection


# With real defaults, waitress can take 150 s to drop an idle connection. A
# server that says `close` gets as long to close: some close only when idle.
REAL = Probe(idle_wait=200, request_cap=10_000)
QUICK = Probe(idle_wait=10, request_cap=20)  # with SHORT settings

# What follows an answer, in the data file:
KEPT = "kept"  # a next request on the connection was answered
UNANNOUNCED = "closed unannounced"  # no `close` said, yet the next request failed
OPEN_DESPITE_CLOSE = "open despite close"  # said `close`, still open after the wait
# ... or "FIN" or "RST": it said it would close, and closed that way.


def connection_tokens(response: RawResponse) -> set[str]:
    header = response.headers.get("connection", "")
    return {token.strip().lower() for token in header.split(",") if token.strip()}


def says_close(response: RawResponse) -> bool:
    """Whether the answer says it is the last on its connection (RFC 9112 §9.3)."""
    tokens = connection_tokens(response)
    http10 = response.status_line.startswith("HTTP/1.0")
    return "close" in tokens or (http10 and "keep-alive" not in tokens)


def what_follows(client: RawClient, response: RawResponse, probe: Probe) -> dict:
    """After an answer: does the connection stay open, and if not, how does it end?

    An answer that says it is the last gets a wait for the close, with nothing
    sent (sending would turn a FIN into a RST). Any other gets a next request.
    """
    if says_close(response):
        closing = client.wait_for_close(probe.idle_wait)
        return {
            "then": closing.how or OPEN_DESPITE_CLOSE,
            "after": round(closing.after, 1),
        }
    client.send(get("/"))
    try:
        client.response()
    except (ClosedByPeer, ConnectionError):
        return {"then": UNANNOUNCED}
    return {"then": KEPT}


def next_answer(url: str, requests: list[bytes]) -> int | None:
    """The status of the answer to one request more, on a connection whose last
    answer said `close`, or None if the server answers no more."""
    with RawClient(url) as client:
        for request in requests:
            client.send(request)
            client.response()
        try:
            client.send(get("/"))
            return client.response().status
        except (ClosedByPeer, ConnectionError, TimeoutError):
            return None


def answer_and_after(url: str, request: bytes, probe: Probe) -> dict[str, Any]:
    with RawClient(url) as client:
        client.send(request)
        response = client.response()
        cell = {
            "status": response.status,
            "version": response.status_line.split()[0],
            "connection": response.headers.get("connection"),
            "keep_alive": response.headers.get("keep-alive"),
            **what_follows(client, response, probe),
        }
    if says_close(response):  # on a connection of its own: does it really stop?
        cell["answers_next"] = next_answer(url, [request])
    return cell


# requests sends `Connection: keep-alive` on every request.
AS_REQUESTS_ASKS = get("/", "Connection: keep-alive")


def plain_request(url: str, probe: Probe) -> dict[str, Any]:
    """A bare HTTP/1.1 GET: is the connection kept?"""
    return answer_and_after(url, get("/"), probe)


def asking_request(url: str, probe: Probe) -> dict[str, Any]:
    """A GET as requests sends it: what does the server announce?"""
    return answer_and_after(url, AS_REQUESTS_ASKS, probe)


def http10_request(url: str, probe: Probe) -> dict[str, Any]:
    return answer_and_after(url, get("/", version="1.0"), probe)


def http10_keep_alive_request(url: str, probe: Probe) -> dict[str, Any]:
    request = get("/", "Connection: keep-alive", version="1.0")
    return answer_and_after(url, request, probe)


def connection_close_request(url: str, probe: Probe) -> dict[str, Any]:
    return answer_and_after(url, get("/", "Connection: close"), probe)


def pipelined_requests(url: str, probe: Probe) -> dict[str, Any]:
    """Two requests in one write: is the second answered?"""
    with RawClient(url) as client:
        client.send(get("/") + get("/"))
        first = client.response()
        try:
            client.response()
        except ClosedByPeer:
            second = "FIN"
        except ConnectionResetError:
            second = "RST"
        except TimeoutError:
            second = "no answer"
        else:
            second = "answered"
        return {"first_connection": first.headers.get("connection"), "second": second}


def idle_close(url: str, probe: Probe) -> dict[str, Any] | None:
    """How long an idle connection stays open, and how it ends: timed from the
    end of an answer to the close, waiting for the close itself, sending
    nothing. None if the server closes after every answer anyway."""
    with RawClient(url) as client:
        client.send(get("/"))
        if says_close(client.response()):
            return None
        closing = client.wait_for_close(probe.idle_wait)
        sent_first = None
        if closing.sent:  # e.g. a 408 answer before the close
            head = closing.sent.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            status_line, *lines = head.split("\r\n")
            connection = [line for line in lines if line.lower().startswith("conn")]
            sent_first = " / ".join([status_line, *connection])
        return {
            "closed": closing.how,
            "after": round(closing.after, 1) if closing.how else None,
            "waited": probe.idle_wait,
            "sent_first": sent_first,
        }


def request_limit(url: str, probe: Probe) -> dict[str, Any]:
    """Requests as requests sends them, one after another on one connection,
    until the connection ends or the cap."""
    with RawClient(url) as client:
        first = None
        for number in range(1, probe.request_cap + 1):
            client.send(AS_REQUESTS_ASKS)
            try:
                response = client.response()
            except (ClosedByPeer, ConnectionError):
                return {"answered": number - 1, "then": UNANNOUNCED}
            first = first or response
            if says_close(response):
                cell = {
                    "answered": number,
                    "keep_alive_first": first.headers.get("keep-alive"),
                    "keep_alive_last": response.headers.get("keep-alive"),
                    **what_follows(client, response, probe),
                }
                break
        else:
            return {"answered": None, "cap": probe.request_cap}
    cell["answers_next"] = next_answer(url, [AS_REQUESTS_ASKS] * number)
    return cell


def client_port_seen(url: str, probe: Probe) -> bool | None:
    """Whether the server reports the client's port as the client sees it."""
    with RawClient(url) as client:
        client.send(get("/"))
        reported = client.response().headers.get("x-client-port")
        if reported in (None, "None", ""):
            return None
        return int(reported) == client.sock.getsockname()[1]


CELLS = {
    "plain": plain_request,
    "asked": asking_request,
    "idle": idle_close,
    "limit": request_limit,
    "http10": http10_request,
    "http10_keep_alive": http10_keep_alive_request,
    "connection_close": connection_close_request,
    "pipelined": pipelined_requests,
    "client_port": client_port_seen,
}


def measure(
    started: dict[str, RunningServer | ServerStartError],
    probe: Probe,
    cells: tuple[str, ...] = tuple(CELLS),
) -> dict[str, dict[str, Any]]:
    """The cells of every started server, all at the same time; per server,
    its cells, or {"error": why} for a server that did not start or failed."""
    jobs = {
        (name, cell): (CELLS[cell], server.url)
        for name, server in started.items()
        if isinstance(server, RunningServer)
        for cell in cells
    }
    results: dict[str, dict[str, Any]] = {
        name: {"error": str(server)}
        for name, server in started.items()
        if isinstance(server, ServerStartError)
    }
    with ThreadPoolExecutor(max_workers=len(jobs) or 1) as pool:
        futures = {
            key: pool.submit(measure_cell, url, probe)
            for key, (measure_cell, url) in jobs.items()
        }
        for (name, cell), future in futures.items():
            try:
                value = future.result()
            except Exception as error:  # one line per failed cell, not a traceback
                why = f"{type(error).__name__}: {error}"
                results.setdefault(name, {})["error"] = f"{name}: {cell}: {why}"
                continue
            results.setdefault(name, {})[cell] = value
    return results


def row(server: Server, settings: Settings, cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": server.name,
        "label": server.label,
        "version": server.version(),
        "home": server.home,
        "defaults": {
            key: dataclasses.asdict(default)
            for key, default in server.defaults().items()
        },
        "settings": dataclasses.asdict(settings),
        "cells": cells,
    }


def measure_servers(
    settings: Settings, probe: Probe, backend: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Start every server with `settings`, measure it, stop it: its rows and errors."""
    with running(SERVERS.values(), settings, backend=backend) as started:
        results = measure(started, probe)
    errors = [cells["error"] for cells in results.values() if "error" in cells]
    rows = [
        row(server, settings, results[name])
        for name, server in SERVERS.items()
        if "error" not in results[name]
    ]
    return rows, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.matrix", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="short settings and waits, as `make test` uses; prints, writes nothing",
    )
    add_output_option(parser, DATA_FILE)
    args = parser.parse_args(argv)
    settings, probe = (SHORT, QUICK) if args.short else (DEFAULTS, REAL)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        lab = LabProcess(log=Path(folder) / "lab.log")  # the back end of HAProxy
        try:
            rows, errors = measure_servers(settings, probe, lab.url)
        finally:
            lab.stop()
    seconds = round(time.monotonic() - began)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{args.output} is unchanged.", file=sys.stderr)
        return 1
    data = {
        "measured": {
            "on": date.today().isoformat(),
            "seconds": seconds,
            "python": platform.python_version(),
            "probe": dataclasses.asdict(probe),
        },
        "servers": rows,
    }
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.short:
        print(text, end="")
    else:
        write_whole(args.output, text)
        print(f"wrote {args.output.relative_to(ROOT)} in {seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
