"""The lab: a small HTTP/1.1 server that makes connection reuse visible.

Run it with ``python -m lab`` (see ``python -m lab --help``). It listens on
loopback only and serves each connection in its own asyncio task. Every
response says where it came from:

    X-Lab-Connection          connection number since the server started: 1, 2, ...
    X-Lab-Connection-Request  the request's number on its connection: 1, 2, ...
    X-Lab-Client-Port         the client's port, as the server sees it

Routes (any method unless stated; JSON bodies; "identity" is
{"connection": n, "request": k, "client_port": p}; a bad parameter gets a 400
with {"error": ...}, an unknown path a 404):

    /                     identity
    /echo                 the request line and header lines exactly as received
                          (text/plain, CRLFs kept, no final empty line)
    /close                identity with Connection: close, then the server closes
    /http10               identity in an HTTP/1.0 response, then the server closes
    /idle/{s}             identity; the connection's idle timeout becomes s
                          seconds (0 < s <= 60), announced in Keep-Alive
    /max/{n}              identity; the connection answers at most n requests
                          (1 <= n <= 1000000, counted from its first, as
                          nginx's keepalive_requests): request n's answer says
                          Connection: close, then the lab closes. Until then it
                          announces Keep-Alive: timeout=T, max=<requests left>
    /hang                 never answers: holds the request until the client
                          closes the connection (or the lab stops)
    /delay/{s}            identity after s seconds (0 <= s <= 300)
    /stream/{n}           n bytes of 0123456789... in chunked encoding;
                          ?chunk=N bytes per chunk (default 1024, max 1 MiB),
                          ?delay=S seconds between chunks (default 0, max 60);
                          HTTP/1.0 clients get it unframed, ended by the close
    /status/{code}        that status (200-599) with identity and "status"
                          (no body for 204, 304); ?retry_after=S adds
                          Retry-After: S
    /flaky/{key}/{k}      the first k requests for key (counted server-wide)
                          fail, later ones get 200; answers carry X-Lab-Attempt
                          and "attempt". ?fail=status (default), fin or rst;
                          ?status=503 (400-599); ?retry_after=S
    /fin/{n}, /rst/{n}    if this is request n on its connection, close without
                          answering: FIN, or RST (SO_LINGER 0); else identity
    /barrier/{key}/{n}    hold each request until n requests for key are waiting,
                          then answer them all (identity); 504 after ?timeout=S
                          (default 10, max 60). Makes "n requests in flight at
                          once" a fact, not a matter of timing.

Control routes, never counted in the stats:

    GET  /stats           {"connections": C, "requests": R} since the last reset
    POST /reset           zero the stats and forget all /flaky keys
    GET  /wait-closed/{n} 200 {"closed": true} once connection n is closed on the
                          server; 504 {"closed": false} after ?timeout=S
                          (default 5, max 30); 404 if there was no connection n
    GET  /blackhole       {"url": "http://host:port"}: an address where a TCP
                          connect never completes (a listener whose queue is
                          full, so the kernel drops new SYNs): connect timeouts

Stats: "requests" counts the other requests, as each arrives (whether it is
then answered, dropped on purpose, or abandoned by its client), "connections"
the connections that carried at least one of them.

Connections: HTTP/1.1 ones stay open unless the request says Connection: close;
HTTP/1.0 ones close unless it says Connection: keep-alive. An idle connection
is closed after --idle-timeout (30 s). Bad input gets a 4xx (or 5xx for an
unsupported HTTP version or transfer coding), then the connection is closed:
a request head over 16 KiB 431 (414 for the request line), a body over 1 MiB
413, a head not complete within --header-timeout of its first byte (10 s) or
a body within --body-timeout (10 s) 408. Beyond --max-connections (256) open
connections, a new one gets 503 and is closed.

Routes that take query parameters reject unknown ones (a typo must not go
unnoticed); the others ignore the query string. HEAD gets the GET headers.
"""

from __future__ import annotations

import asyncio
import errno
import json
import re
import signal
import socket
import struct
import sys
import traceback
from collections.abc import AsyncIterator, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from lab.http import (
    MAX_BODY,
    ConnectionDone,
    HttpError,
    Incoming,
    Request,
    Response,
    encode_head,
    parse_head,
    read_body,
    read_head,
    wait_for_request,
)

MAX_STREAM = 100 * 1024 * 1024
MAX_FLAKY_KEYS = 10_000
LINGER_TIMEOUT = 1.0  # how long to drain a client after an error response
CLOSE_TIMEOUT = 5.0  # how long a close may wait for a client to read our output
NO_CONTENT = frozenset({204, 304})
CONTROL_ROUTES = frozenset({"stats", "reset", "wait-closed", "blackhole"})
HANG_LIMIT = 24 * 3600.0  # /hang gives up after a day: "forever" for a demo
BLACKHOLE_FILL = 16  # most connections a full listen queue may take here

_DIGITS = b"0123456789" * (MAX_BODY // 10 + 2)  # any chunk, at any offset
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
# struct linger {l_onoff, l_linger}: on, 0 s. Closing then sends RST, not FIN.
_LINGER_ZERO = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)


@dataclass(frozen=True)
class Config:
    """The server's settings: see ``python -m lab --help``."""

    host: str = "127.0.0.1"
    port: int = 8765
    idle_timeout: float = 30.0
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 256
    quiet: bool = False


@dataclass(frozen=True)
class Drop:
    """A route's decision to close the connection instead of answering."""

    how: str  # "fin" or "rst"


@dataclass(frozen=True)
class Hang:
    """A route's decision never to answer: wait until the client gives up."""


class ListenError(Exception):
    """The lab cannot listen on the address it was given (the message says why)."""


class Invalid(Exception):
    """A bad route parameter: answer 400 with this message, keep the connection."""


@dataclass(eq=False)
class Barrier:
    """Requests for one /barrier key, waiting until `size` of them have arrived."""

    size: int
    arrived: int = 0
    full: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class Connection:
    number: int
    client_port: int
    writer: asyncio.StreamWriter
    idle_timeout: float
    requests: int = 0  # requests started on this connection
    max_requests: int | None = None  # set by /max/{n}
    counted_in: int = -1  # the stats epoch that last counted this connection
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def identity(self) -> dict[str, Any]:
        return {
            "connection": self.number,
            "request": self.requests,
            "client_port": self.client_port,
        }


class Lab:
    """Connection handling, routes and stats; one instance per running server."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._accepted = 0
        self._open: dict[int, Connection] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._attempts: dict[str, int] = {}  # /flaky key -> requests seen
        self._barriers: dict[str, Barrier] = {}  # /barrier key -> the group filling
        self._epoch = 0  # bumped by /reset
        self._connections = 0
        self._requests = 0
        self._blackhole: list[socket.socket] = []  # the listener, then its fill

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve one TCP connection until either side closes it."""
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # Cancelled only by stop(). Not re-raised: the task ends here anyway,
        # and on Python 3.11 start_server's done-callback fails on a cancelled
        # task, printing a traceback.
        with suppress(asyncio.CancelledError):
            await self._connection(reader, writer)

    async def _connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # Nagle's algorithm holds a small write back until the previous one is
        # ACKed, and the client delays that ACK (up to 40 ms on Linux): each
        # request on a reused connection would pay it. asyncio sets this too,
        # but the guide's timings depend on it, so it is not left implicit.
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._accepted += 1
        port = writer.get_extra_info("peername")[1]
        conn = Connection(self._accepted, port, writer, self.config.idle_timeout)
        self._open[conn.number] = conn
        self._log(f"conn {conn.number} opened from port {port}")
        incoming = Incoming(reader)
        why = "lab stopping"
        try:
            if len(self._open) > self.config.max_connections:
                why = "refused: over --max-connections"
                await self._refuse(conn, incoming)
            else:
                why = await self._serve(conn, incoming)
        except ConnectionDone as done:
            why = str(done)
        except OSError as error:  # reset by the client, broken pipe...
            why = error.strerror or type(error).__name__
        except Exception:  # a bug in the lab, not the client's fault
            traceback.print_exc()
            why = "internal error"
        finally:
            await _close(writer)
            del self._open[conn.number]
            conn.closed.set()
            self._log(f"conn {conn.number} closed ({why})")

    async def _serve(self, conn: Connection, incoming: Incoming) -> str:
        """Answer requests until the connection must close; return why it did."""
        config = self.config
        while True:
            await wait_for_request(incoming, conn.idle_timeout)
            conn.requests += 1
            request = None
            try:
                request = parse_head(await read_head(incoming, config.header_timeout))
                if request.expects_continue:
                    conn.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                request.body = await read_body(incoming, request, config.body_timeout)
            except HttpError as error:
                if request is None or not _is_control(request):
                    self._count(conn)
                response = _error(error.status, error.message, close=True)
                await self._send(conn, request, response)
                self._log_request(conn, request, f"{error.status} ({error.message})")
                await _linger(conn.writer, incoming)
                return f"after a {error.status}"
            # Counted on arrival: a slow route (/delay, /barrier) finishing
            # after its client gave up must not land in later counts.
            if not _is_control(request):
                self._count(conn)
            try:
                outcome = await self._route(conn, request)
            except Invalid as error:
                outcome = _error(400, str(error))
            except Exception:  # a bug in the lab: keep the traceback, say so
                traceback.print_exc()
                outcome = _error(500, "internal error in the lab", close=True)
            if isinstance(outcome, Drop):
                self._log_request(conn, request, f"dropped ({outcome.how.upper()})")
                if outcome.how == "rst":
                    conn.writer.get_extra_info("socket").setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO
                    )
                    conn.writer.transport.abort()
                return f"dropped with {outcome.how.upper()}"
            if isinstance(outcome, Hang):
                self._log_request(conn, request, "hanging")
                return await _hang(incoming)
            if conn.max_requests is not None and conn.requests >= conn.max_requests:
                outcome.close = True
            keep_alive = await self._send(conn, request, outcome)
            self._log_request(conn, request, str(outcome.status))
            if not keep_alive:
                return "closed by server"

    async def _send(
        self, conn: Connection, request: Request | None, response: Response
    ) -> bool:
        """Write the response; return whether the connection stays open."""
        version = request.version if request else (1, 1)
        chunked = response.chunks is not None and version >= (1, 1)
        # HTTP/1.0 has no chunked encoding: a stream ends when the connection does.
        close_delimited = response.chunks is not None and not chunked
        keep_alive = (
            request is not None
            and request.keep_alive
            and not (response.close or response.http10 or close_delimited)
        )
        headers = [("Server", "lab")]
        if response.status not in NO_CONTENT:
            headers.append(("Content-Type", response.content_type))
            if chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            elif not close_delimited:
                headers.append(("Content-Length", str(len(response.body))))
        headers += [
            ("X-Lab-Connection", str(conn.number)),
            ("X-Lab-Connection-Request", str(conn.requests)),
            ("X-Lab-Client-Port", str(conn.client_port)),
            *response.headers,
        ]
        if not response.http10:  # an HTTP/1.0 response closes by default
            if not keep_alive:
                headers.append(("Connection", "close"))
            elif version < (1, 1):
                headers.append(("Connection", "keep-alive"))
        status_version = "HTTP/1.0" if response.http10 else "HTTP/1.1"
        writer = conn.writer
        writer.write(encode_head(response.status, headers, status_version))
        if request is None or request.method != "HEAD":
            if response.chunks is not None:
                async for chunk in response.chunks:
                    if chunked:
                        writer.writelines([b"%x\r\n" % len(chunk), chunk, b"\r\n"])
                    else:
                        writer.write(chunk)
                    await writer.drain()
                if chunked:
                    writer.write(b"0\r\n\r\n")
            elif response.status not in NO_CONTENT:
                writer.write(response.body)
        await writer.drain()
        return keep_alive

    async def _refuse(self, conn: Connection, incoming: Incoming) -> None:
        """Answer 503 at once to a connection over --max-connections."""
        conn.requests = 1
        limit = self.config.max_connections
        message = f"too many connections: the lab serves at most {limit} at a time"
        await self._send(conn, None, _error(503, message, close=True))
        self._log_request(conn, None, "503 (over --max-connections)")
        await _linger(conn.writer, incoming)

    async def _route(
        self, conn: Connection, request: Request
    ) -> Response | Drop | Hang:
        identity = conn.identity()
        query = request.query
        match _segments(request.path):
            case [""]:
                return _json(200, identity)
            case ["echo"]:
                return Response(200, request.head[:-2], "text/plain; charset=utf-8")
            case ["close"]:
                return _json(200, identity, close=True)
            case ["http10"]:
                return _json(200, identity, http10=True)
            case ["idle", seconds]:
                conn.idle_timeout = _seconds(seconds, "idle", 60, positive=True)
                return _json(200, identity, headers=_keep_alive(conn))
            case ["max", number]:
                conn.max_requests = _integer(number, "max requests", 1, 10**6)
                return _json(200, identity, headers=_keep_alive(conn))
            case ["hang"]:
                return Hang()
            case ["delay", seconds]:
                await asyncio.sleep(_seconds(seconds, "delay", 300))
                return _json(200, identity)
            case ["stream", size]:
                return _stream(size, query)
            case ["status", code]:
                params = _params(query, {"retry_after"})
                status = _integer(code, "status", 200, 599)
                headers = _retry_after(params)
                return _json(status, {**identity, "status": status}, headers=headers)
            case ["flaky", key, failures]:
                return self._flaky(identity, key, failures, query)
            case ["barrier", key, size]:
                return await self._barrier(identity, key, size, query)
            case ["fin" | "rst" as how, number]:
                if conn.requests == _integer(number, "request number", 1, 10**6):
                    return Drop(how)
                return _json(200, identity)
            case ["stats"]:
                if request.method not in ("GET", "HEAD"):
                    return _not_allowed(request, "GET, HEAD")
                stats = {"connections": self._connections, "requests": self._requests}
                return _json(200, stats)
            case ["reset"]:
                if request.method != "POST":
                    return _not_allowed(request, "POST")
                self._epoch += 1
                self._connections = self._requests = 0
                self._attempts.clear()
                return _json(200, {"reset": True})
            case ["wait-closed", number]:
                if request.method not in ("GET", "HEAD"):
                    return _not_allowed(request, "GET, HEAD")
                return await self._wait_closed(number, query)
            case ["blackhole"]:
                if request.method not in ("GET", "HEAD"):
                    return _not_allowed(request, "GET, HEAD")
                return _json(200, {"url": await self._blackhole_url()})
            case _:
                return _error(404, f"no route for {request.path}")

    def _flaky(
        self, identity: dict[str, Any], key: str, failures: str, query: str
    ) -> Response | Drop:
        params = _params(query, {"fail", "status", "retry_after"})
        count = _integer(failures, "failure count", 0, 1000)
        fail = params.get("fail", "status")
        if fail not in ("status", "fin", "rst"):
            raise Invalid(f"fail must be status, fin or rst, got {fail!r}")
        status = _integer(params.get("status", "503"), "status", 400, 599)
        retry_after = _retry_after(params)
        if key not in self._attempts and len(self._attempts) >= MAX_FLAKY_KEYS:
            raise Invalid("too many /flaky keys: POST /reset to forget them")
        attempt = self._attempts[key] = self._attempts.get(key, 0) + 1
        headers = [("X-Lab-Attempt", str(attempt))]
        if attempt > count:
            return _json(200, {**identity, "attempt": attempt}, headers=headers)
        if fail != "status":
            return Drop(fail)
        body = {**identity, "attempt": attempt, "status": status}
        return _json(status, body, headers=headers + retry_after)

    async def _barrier(
        self, identity: dict[str, Any], key: str, size: str, query: str
    ) -> Response:
        params = _params(query, {"timeout"})
        n = _integer(size, "barrier size", 1, 1000)
        timeout = _seconds(params.get("timeout", "10"), "timeout", 60)
        group = self._barriers.get(key)
        if group is None:
            group = self._barriers[key] = Barrier(n)
        elif group.size != n:
            raise Invalid(f"barrier {key!r} is filling up to {group.size}, not {n}")
        group.arrived += 1
        if group.arrived == n:
            del self._barriers[key]  # the next request for this key starts anew
            group.full.set()
        try:
            async with asyncio.timeout(timeout):
                await group.full.wait()
        except TimeoutError:
            group.arrived -= 1
            if group.arrived == 0 and self._barriers.get(key) is group:
                del self._barriers[key]
            message = (
                f"only {group.arrived + 1} of {n} requests came within {timeout:g} s"
            )
            return _error(504, message)
        return _json(200, identity)

    async def _wait_closed(self, number: str, query: str) -> Response:
        params = _params(query, {"timeout"})
        n = _integer(number, "connection number", 1, 10**9)
        timeout = _seconds(params.get("timeout", "5"), "timeout", 30)
        if n > self._accepted:
            return _error(404, f"there has been no connection {n}")
        if (conn := self._open.get(n)) is not None:
            try:
                async with asyncio.timeout(timeout):
                    await conn.closed.wait()
            except TimeoutError:
                return _json(504, {"closed": False})
        return _json(200, {"closed": True})

    async def _blackhole_url(self) -> str:
        """Make (once) a listener that accepts nothing and whose queue is full."""
        if not self._blackhole:
            family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            self._blackhole.append(listener)
            listener.bind((self.config.host, 0))
            listener.listen(0)  # never accept(): the queue fills and stays full
            address = listener.getsockname()
            loop = asyncio.get_running_loop()
            for _ in range(BLACKHOLE_FILL):
                filler = socket.socket(family, socket.SOCK_STREAM)
                filler.setblocking(False)
                self._blackhole.append(filler)
                try:
                    async with asyncio.timeout(0.2):
                        await loop.sock_connect(filler, address)
                except TimeoutError:  # the kernel dropped our SYN: queue full
                    break
            else:
                raise RuntimeError("the blackhole's listen queue never filled up")
        host, port = self._blackhole[0].getsockname()[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def _count(self, conn: Connection) -> None:
        self._requests += 1
        if conn.counted_in != self._epoch:
            conn.counted_in = self._epoch
            self._connections += 1

    def _log(self, message: str) -> None:
        if not self.config.quiet:
            print(message, file=sys.stderr, flush=True)

    def _log_request(
        self, conn: Connection, request: Request | None, outcome: str
    ) -> None:
        what = f"{request.method} {request.target}" if request else "-"
        self._log(f"conn {conn.number} req {conn.requests} {what} -> {outcome}")

    async def stop(self, server: asyncio.Server) -> None:
        """Stop accepting, drop every connection, end their tasks: all at once."""
        server.close()
        for sock in self._blackhole:
            sock.close()
        for conn in self._open.values():
            conn.writer.transport.abort()  # a FIN, unless unread input is pending
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=1)


async def serve(config: Config) -> None:
    """Run the lab until SIGINT or SIGTERM."""
    lab = Lab(config)
    try:
        server = await asyncio.start_server(lab.handle, config.host, config.port)
    except OSError as error:
        port = config.port
        if error.errno == errno.EADDRINUSE:
            message = (
                f"port {port} is already in use; stop the other lab or pass --port"
            )
        else:
            reason = error.strerror or error
            message = f"cannot listen on {config.host}:{port}: {reason}"
        raise ListenError(message) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, where Ctrl+C raises KeyboardInterrupt instead.
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    host, port = server.sockets[0].getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    print(f"Lab server listening on {url} (Ctrl+C to stop)", flush=True)
    try:
        await stop.wait()
    finally:
        await lab.stop(server)
        print("Lab server stopped", flush=True)


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close once the output is flushed; abort if the client will not read it."""
    writer.close()
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await writer.wait_closed()  # until connection_lost: the socket is closed
    except TimeoutError:
        writer.transport.abort()
        await asyncio.sleep(0)  # abort() has scheduled connection_lost: let it run
    except OSError:  # the client reset the connection: closed all the same
        pass


async def _hang(incoming: Incoming) -> str:
    """Discard what the client sends until it closes the connection."""
    deadline = asyncio.get_running_loop().time() + HANG_LIMIT
    try:
        while await incoming.receive(deadline):
            incoming.buffer.clear()
    except TimeoutError:
        return f"hung for {HANG_LIMIT:g} s"
    return "closed by client while hanging"


def _keep_alive(conn: Connection) -> list[tuple[str, str]]:
    """The Keep-Alive header announcing the connection's idle timeout and limit."""
    value = f"timeout={conn.idle_timeout:g}"
    if conn.max_requests is not None:
        if conn.requests >= conn.max_requests:
            return []  # this answer closes the connection: nothing to announce
        value += f", max={conn.max_requests - conn.requests}"
    return [("Keep-Alive", value)]


async def _linger(writer: asyncio.StreamWriter, incoming: Incoming) -> None:
    """Half-close, then discard what the client still sends, for a bounded time.

    Closing a socket with unread input makes the kernel send a reset, which can
    destroy our error response before the client has read it.
    """
    writer.write_eof()
    deadline = asyncio.get_running_loop().time() + LINGER_TIMEOUT
    with suppress(TimeoutError, OSError):
        while await incoming.receive(deadline):
            incoming.buffer.clear()


def _stream(size: str, query: str) -> Response:
    params = _params(query, {"chunk", "delay"})
    total = _integer(size, "stream size", 0, MAX_STREAM)
    chunk = _integer(params.get("chunk", "1024"), "chunk", 1, MAX_BODY)
    delay = _seconds(params.get("delay", "0"), "delay", 60)
    chunks = _digits(total, chunk, delay)
    return Response(200, content_type="text/plain; charset=utf-8", chunks=chunks)


async def _digits(total: int, chunk: int, delay: float) -> AsyncIterator[bytes]:
    """`total` bytes of 0123456789 repeated, `chunk` bytes at a time."""
    for start in range(0, total, chunk):
        if start and delay:
            await asyncio.sleep(delay)
        offset = start % 10
        yield _DIGITS[offset : offset + min(chunk, total - start)]


def _json(
    status: int,
    data: dict[str, Any],
    *,
    headers: Iterable[tuple[str, str]] = (),
    close: bool = False,
    http10: bool = False,
) -> Response:
    body = json.dumps(data).encode() + b"\n"
    return Response(status, body, headers=list(headers), close=close, http10=http10)


def _error(status: int, message: str, *, close: bool = False) -> Response:
    return _json(status, {"error": message}, close=close)


def _not_allowed(request: Request, allow: str) -> Response:
    message = f"{request.method} is not allowed here: use {allow}"
    return _json(405, {"error": message}, headers=[("Allow", allow)])


def _is_control(request: Request) -> bool:
    return _segments(request.path)[0] in CONTROL_ROUTES


def _segments(path: str) -> list[str]:
    """'/flaky/a%20b/2' -> ['flaky', 'a b', '2']; '/' -> ['']."""
    return [unquote(segment) for segment in path.split("/")[1:]]


def _params(query: str, allowed: set[str]) -> dict[str, str]:
    params = dict(parse_qsl(query, keep_blank_values=True))
    if unknown := sorted(params.keys() - allowed):
        takes = ", ".join(sorted(allowed))
        message = f"unknown query parameter {unknown[0]!r} (this route takes {takes})"
        raise Invalid(message)
    return params


def _retry_after(params: dict[str, str]) -> list[tuple[str, str]]:
    if "retry_after" not in params:
        return []
    seconds = _integer(params["retry_after"], "retry_after", 0, 86400)
    return [("Retry-After", str(seconds))]


def _integer(text: str, what: str, low: int, high: int) -> int:
    ok = text.isascii() and text.isdigit() and len(text) <= 10
    value = int(text) if ok else low - 1
    if not low <= value <= high:
        raise Invalid(f"{what} must be an integer from {low} to {high}, got {text!r}")
    return value


def _seconds(text: str, what: str, maximum: float, *, positive: bool = False) -> float:
    value = float(text) if _DECIMAL.fullmatch(text) else -1.0
    too_low = value <= 0 if positive else value < 0
    if too_low or value > maximum:
        bounds = f"{'0 < s' if positive else '0 <= s'} <= {maximum:g}"
        message = f"{what} must be a number of seconds s with {bounds}, got {text!r}"
        raise Invalid(message)
    return value
