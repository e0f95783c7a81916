"""The lab's routes: what each URL path makes the lab do.

Each route is one function, registered with ``@route`` (see lab.registry) on
the lab's registry, ``lab.registry.ROUTES``, when this module is imported. Its
docstring is what ``python -m lab --routes`` and the Lab server page say it
does, so keep it true. A route gets the exchange (the lab, the connection and
the request), its path parameters, and its query parameters; it returns a
Response, or a Drop to close the connection without answering.

"Identity" is {"connection": n, "request": k, "client_port": p}: every answer
also carries it in X-Lab-Connection, X-Lab-Connection-Request and
X-Lab-Client-Port.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lab.registry import (
    Drop,
    Invalid,
    Outcome,
    parse_integer,
    parse_seconds,
    route,
)
from lab.wire import MAX_BODY, Request, Response

if TYPE_CHECKING:
    from lab.connection import Connection
    from lab.server import Lab

MAX_STREAM = 100 * 1024 * 1024
HANG_LIMIT = 24 * 3600.0  # /hang gives up after a day: "forever" for a demo
ANY_ID = 10**9  # the highest connection or request number a route accepts

_DIGITS = memoryview(b"0123456789" * (MAX_BODY // 10 + 2))  # any chunk, any offset


@dataclass
class Exchange:
    """What a route works with: the lab, the connection and the request."""

    lab: Lab
    conn: Connection
    request: Request

    @property
    def identity(self) -> dict[str, Any]:
        return self.conn.identity()


def json_response(
    status: int,
    data: dict[str, Any],
    *,
    headers: Iterable[tuple[str, str]] = (),
    close: bool = False,
    http10: bool = False,
) -> Response:
    body = json.dumps(data).encode() + b"\n"
    return Response(status, body, headers=list(headers), close=close, http10=http10)


def error_response(status: int, message: str, *, close: bool = False) -> Response:
    return json_response(status, {"error": message}, close=close)


# --- what a connection does ---------------------------------------------------


@route("/")
async def identity(ex: Exchange) -> Outcome:
    """200 with the connection facts as JSON: which connection, which request."""
    return json_response(200, ex.identity)


@route("/echo")
async def echo(ex: Exchange) -> Outcome:
    """200 with the request line and headers exactly as received (CRLFs kept)."""
    return Response(200, ex.request.head[:-2], "text/plain; charset=utf-8")


@route("/close")
async def close(ex: Exchange) -> Outcome:
    """200 with `Connection: close`, then the lab closes the connection."""
    return json_response(200, ex.identity, close=True)


@route("/close-unsaid")
async def close_unsaid(ex: Exchange) -> Outcome:
    """Answers 200 without `Connection: close`, even when the request asks to
    close; then closes when the next request arrives, unanswered. A server that
    closes without saying so, a moment late."""
    response = json_response(200, ex.identity)
    response.close_unsaid = True
    return response


@route("/http10")
async def http10(ex: Exchange) -> Outcome:
    """Answers as HTTP/1.0, with no `Connection` header, then closes."""
    return json_response(200, ex.identity, http10=True)


@route("/idle/{seconds}")
async def idle(ex: Exchange, seconds: str) -> Outcome:
    """Closes the connection once it sits idle for `seconds` (0 < seconds <= 60),
    and says so: 200 with `Keep-Alive: timeout=seconds`."""
    ex.conn.idle_timeout = parse_seconds(seconds, "idle", 60, positive=True)
    return json_response(200, ex.identity, headers=keep_alive(ex.conn))


@route("/max/{n}")
async def max_requests(ex: Exchange, n: str) -> Outcome:
    """Answers at most `n` requests on the connection, counted from its first,
    like nginx's `keepalive_requests`. The answer to request `n` carries
    `Connection: close`. An answer to `/max` before it says
    `Keep-Alive: timeout=T, max=<requests left>`."""
    ex.conn.max_requests = parse_integer(n, "max requests", 1, 10**6)
    return json_response(200, ex.identity, headers=keep_alive(ex.conn))


def keep_alive(conn: Connection) -> list[tuple[str, str]]:
    """The Keep-Alive header announcing the connection's idle timeout and limit."""
    value = f"timeout={conn.idle_timeout:g}"
    if conn.max_requests is not None:
        if conn.requests >= conn.max_requests:
            return []  # this answer closes the connection: nothing to announce
        value += f", max={conn.max_requests - conn.requests}"
    return [("Keep-Alive", value)]


@route("/fin/{n}")
async def fin(ex: Exchange, n: str) -> Outcome:
    """On the `n`-th request of a connection, closes it without answering (FIN).
    Any other request gets the connection facts."""
    return drop_on(ex, n, "fin")


@route("/rst/{n}")
async def rst(ex: Exchange, n: str) -> Outcome:
    """On the `n`-th request of a connection, resets it without answering (RST).
    Any other request gets the connection facts."""
    return drop_on(ex, n, "rst")


def drop_on(ex: Exchange, n: str, how: str) -> Outcome:
    if ex.conn.requests == parse_integer(n, "request number", 1, 10**6):
        return Drop(how)
    return json_response(200, ex.identity)


# --- slow, streamed, failing ---------------------------------------------------


@route("/hang")
async def hang(ex: Exchange) -> Outcome:
    """Never answers: holds the request until the client closes the connection."""
    await asyncio.sleep(HANG_LIMIT)
    return Drop("fin")


@route("/delay/{seconds}")
async def delay(ex: Exchange, seconds: str) -> Outcome:
    """Waits `seconds` (0 to 300), then answers 200 with the connection facts."""
    await asyncio.sleep(parse_seconds(seconds, "delay", 300))
    return json_response(200, ex.identity)


@route("/after-next")
async def after_next(ex: Exchange, *, timeout: str = "10") -> Outcome:
    """Answers 200 with the connection facts once the next request starts to
    arrive on the connection. At most `timeout` seconds (up to 60) later, it
    answers anyway: an answer that comes after the next request left."""
    wait = parse_seconds(timeout, "timeout", 60)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            await ex.conn.incoming.more()
    return json_response(200, ex.identity)


@route("/stream/{n}")
async def stream(
    ex: Exchange, n: str, *, chunk: str = "1024", delay: str = "0"
) -> Outcome:
    """`n` bytes of `0123456789…` with `Transfer-Encoding: chunked`, `chunk`
    bytes a chunk (at most 1 MiB), `delay` seconds between chunks (at most 60).
    An HTTP/1.0 client gets the bytes unframed, ended by the close."""
    total = parse_integer(n, "stream size", 0, MAX_STREAM)
    size = parse_integer(chunk, "chunk", 1, MAX_BODY)
    pause = parse_seconds(delay, "delay", 60)
    chunks = digits(total, size, pause)
    return Response(200, content_type="text/plain; charset=utf-8", chunks=chunks)


async def digits(total: int, chunk: int, delay: float) -> AsyncIterator[memoryview]:
    """`total` bytes of 0123456789 repeated, `chunk` bytes at a time, uncopied."""
    for start in range(0, total, chunk):
        if start and delay:
            await asyncio.sleep(delay)
        offset = start % 10
        yield _DIGITS[offset : offset + min(chunk, total - start)]


@route("/status/{code}")
async def status(ex: Exchange, code: str, *, retry_after: str | None = None) -> Outcome:
    """That status (200 to 599) with the connection facts, and a `Retry-After` header if
    `retry_after` is given. No body for 204 and 304."""
    number = parse_integer(code, "status", 200, 599)
    body = {**ex.identity, "status": number}
    return json_response(number, body, headers=retry_after_header(retry_after))


def retry_after_header(text: str | None) -> list[tuple[str, str]]:
    if text is None:
        return []
    return [("Retry-After", str(parse_integer(text, "retry_after", 0, 86400)))]


@route("/flaky/{key}/{k}")
async def flaky(
    ex: Exchange,
    key: str,
    k: str,
    *,
    fail: str = "status",
    status: str = "503",
    retry_after: str | None = None,
) -> Outcome:
    """Fails the first `k` requests for `key`, counted across connections until
    the next reset, then answers 200. A failure is the `status` (400 to 599,
    with `Retry-After` if asked), or with `fail=fin` or `fail=rst` a dropped
    connection. Answers carry the attempt number in `X-Lab-Attempt`."""
    failures = parse_integer(k, "failure count", 0, 1000)
    if fail not in ("status", "fin", "rst"):
        raise Invalid(f"fail must be status, fin or rst, got {fail!r}")
    code = parse_integer(status, "status", 400, 599)
    retry = retry_after_header(retry_after)  # checked before the attempt counts
    attempt = ex.lab.flaky.count(key)
    headers = [("X-Lab-Attempt", str(attempt))]
    if attempt > failures:
        return json_response(200, {**ex.identity, "attempt": attempt}, headers=headers)
    if fail != "status":
        return Drop(fail)
    body = {**ex.identity, "attempt": attempt, "status": code}
    return json_response(code, body, headers=headers + retry)


@route("/barrier/{key}/{n}")
async def barrier(ex: Exchange, key: str, n: str, *, timeout: str = "10") -> Outcome:
    """Holds each request until `n` requests for `key` are waiting, then answers
    them all. 504 after `timeout` seconds (at most 60). A client that leaves
    stops counting. It makes "n requests in flight at once" a fact, not timing."""
    size = parse_integer(n, "barrier size", 1, 1000)
    wait = parse_seconds(timeout, "timeout", 60)
    if (came := await ex.lab.barriers.wait(key, size, wait)) is not None:
        message = f"only {came} of {size} requests came within {wait:g} s"
        return error_response(504, message)
    return json_response(200, ex.identity)


# --- control routes: never counted in /stats ----------------------------------


@route("/stats", methods=("GET",), control=True)
async def stats(ex: Exchange) -> Outcome:
    """`{"connections": C, "requests": R}` since the last reset. A request counts
    when it arrives; a connection once it carries a counted request."""
    return json_response(200, ex.lab.stats.as_dict())


@route("/reset", methods=("POST",), control=True)
async def reset(ex: Exchange) -> Outcome:
    """Zeroes the stats and forgets every /flaky key."""
    ex.lab.stats.reset()
    ex.lab.flaky.clear()
    return json_response(200, {"reset": True})


@route("/wait-closed/{n}", methods=("GET",), control=True)
async def wait_closed(ex: Exchange, n: str, *, timeout: str = "5") -> Outcome:
    """Answers 200 `{"closed": true}` once connection `n` is closed, by either
    side. 504 `{"closed": false}` if it is still open after `timeout` seconds (at
    most 30); 404 if there was no connection `n`."""
    number = parse_integer(n, "connection number", 1, ANY_ID)
    wait = parse_seconds(timeout, "timeout", 30)
    if number > ex.lab.accepted:
        return error_response(404, f"there has been no connection {number}")
    if (conn := ex.lab.open.get(number)) is not None:
        try:
            async with asyncio.timeout(wait):
                await conn.closed.wait()
        except TimeoutError:
            return json_response(504, {"closed": False})
    return json_response(200, {"closed": True})


@route("/blackhole", methods=("GET",), control=True)
async def blackhole(ex: Exchange) -> Outcome:
    """200 with `{"url": …}`: an address on the lab's host where a TCP connect
    never completes (a listener whose queue is full), for connect timeouts."""
    return json_response(200, {"url": await ex.lab.blackhole.url()})


@route("/stall", methods=("GET",), control=True)
async def stall(ex: Exchange) -> Outcome:
    """200 with `{"url": …}`: an address on the lab's host that accepts
    connections, then stays silent. It never reads from them nor answers: a
    TLS handshake gets no reply, and a large upload stalls in the send. Use it
    as `http://` or as `https://`. It holds the most recent few connections
    and closes older ones."""
    return json_response(200, {"url": ex.lab.stall.url()})
