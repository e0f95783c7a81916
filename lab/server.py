"""The lab server: it starts, accepts connections, keeps count, and stops.

Run it with ``python -m lab`` (``--help`` for its options, ``--routes`` for what
each URL path does). It listens on loopback only, on two ports: HTTP, and the
same routes over TLS (lab.tls). It serves each connection in its own asyncio
task. With ``--rtt``, a relay in front of each port delays every byte
(lab.delay). The layers, from the bytes up:

- lab.delay, in --rtt mode only, delays the bytes, TLS handshakes included;
- lab.tls sets up TLS, and reads what each handshake was;
- lab.wire reads requests and writes responses, byte for byte;
- lab.registry declares routes, and lab.routes holds them;
- lab.connection serves one connection, request after request;
- lab.state is what the lab remembers between requests;
- this module runs the server and owns all of the above.

Connections: HTTP/1.1 ones stay open unless the request says Connection: close;
HTTP/1.0 ones close unless it says Connection: keep-alive. An idle connection
is closed after --idle-timeout (30 s). Bad input gets a 4xx (or 5xx for an
unsupported HTTP version or transfer coding), then the connection is closed:
a request head over 16 KiB 431 (414 for the request line), a body over 1 MiB
413, a head not complete within --header-timeout of its first byte (10 s) or
a body within --body-timeout (10 s) 408. Beyond --max-connections (256) open
connections, a new one gets 503 and is closed. A TLS handshake not done within
--handshake-timeout (10 s) is dropped, as is one the lab refuses (not TLS, or
older than TLS 1.2): asyncio's TLS layer does both, before any request.

What a client holds, it gives back when it leaves: a client that closes its
side while its request waits (/delay, /barrier, /hang) or while its answer is
sent is dropped at once, as is one that sends more than 64 KiB meanwhile. A
client that reads nothing of its answer for --write-timeout (10 s) is dropped,
and an answer is written 64 KiB at a time, so each costs the lab at most that.
"""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
import ssl
import sys
import traceback
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab import DEFAULT_CA_BUNDLE, lab_environment
from lab.connection import Connection, close_writer
from lab.delay import Relay
from lab.state import Barriers, Blackhole, FlakyAttempts, Stall, Stats
from lab.tls import TlsFacts, server_context, write_ca_bundle
from lab.wire import ConnectionDone, Incoming, url_for

Handler = Callable[
    [asyncio.StreamReader, asyncio.StreamWriter], Coroutine[Any, Any, None]
]


@dataclass(frozen=True)
class Config:
    """The server's settings: see ``python -m lab --help``."""

    host: str = "127.0.0.1"
    port: int = 8765
    tls_port: int | None = 8766  # None: no HTTPS, no CA, and no trustme
    ca_bundle: Path = field(
        default_factory=lambda: Path(DEFAULT_CA_BUNDLE).expanduser()
    )
    idle_timeout: float = 30.0
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    write_timeout: float = 10.0
    handshake_timeout: float = 10.0
    max_connections: int = 256
    rtt: float = 0.0  # seconds; 0: no relay, no delay
    quiet: bool = False


class ListenError(Exception):
    """The lab cannot listen on the address it was given (the message says why)."""


class Lab:
    """One running server: its open connections and the state routes share."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.accepted = 0  # connections since the start: the last one's number
        self.open: dict[int, Connection] = {}
        self.stats = Stats()
        self.flaky = FlakyAttempts()
        self.barriers = Barriers()
        self.blackhole = Blackhole(config.host)
        self.stall = Stall(config.host)
        self.relays: list[Relay] = []  # in --rtt mode, one per port
        self.client_ports: dict[int, int] = {}  # a relay's port -> its client's
        self._tasks: set[asyncio.Task[Any]] = set()

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
        self.accepted += 1
        port = writer.get_extra_info("peername")[1]
        port = self.client_ports.get(port, port)
        incoming = Incoming(reader)
        idle_timeout = self.config.idle_timeout
        conn = Connection(self, self.accepted, port, writer, incoming, idle_timeout)
        conn.tls = TlsFacts.of(writer)
        self.open[conn.number] = conn
        over = f" over {conn.tls}" if conn.tls else ""
        self.log(f"conn {conn.number} opened from port {port}{over}")
        why = "lab stopping"
        try:
            if len(self.open) > self.config.max_connections:
                why = "refused: over --max-connections"
                await conn.refuse()
            else:
                why = await conn.serve()
        except ConnectionDone as done:
            why = str(done)
        except OSError as error:  # reset by the client, broken pipe...
            why = error.strerror or type(error).__name__
        except Exception:  # a bug in the lab, not the client's fault
            traceback.print_exc()
            why = "internal error"
        finally:
            await close_writer(writer)
            del self.open[conn.number]
            conn.closed.set()
            self.log(f"conn {conn.number} closed ({why})")

    def log(self, message: str) -> None:
        if not self.config.quiet:
            print(message, file=sys.stderr, flush=True)

    async def stop(self, servers: list[asyncio.Server]) -> None:
        """Stop accepting, drop every connection, end their tasks: all at once."""
        for server in servers:
            server.close()
        self.blackhole.close()
        self.stall.close()
        for conn in self.open.values():
            conn.writer.transport.abort()  # a FIN, unless unread input is pending
        tasks = [*self._tasks, *(task for relay in self.relays for task in relay.tasks)]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=1)


async def serve(config: Config) -> None:
    """Run the lab until SIGINT or SIGTERM."""
    lab = Lab(config)
    servers: list[asyncio.Server] = []
    try:
        http = await _listen(lab, servers, config.port, "--port")
        url = url_for(*http.sockets[0].getsockname()[:2])
        https_url = None
        if config.tls_port is not None:
            https_url = await _listen_https(lab, servers, config.tls_port)
    except ListenError:
        await lab.stop(servers)
        raise
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, where Ctrl+C raises KeyboardInterrupt instead.
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    also = f" and {https_url}" if https_url else ""
    print(f"Lab server listening on {url}{also} (Ctrl+C to stop)")
    if config.rtt:
        print(f"Each round trip to it takes {config.rtt * 1000:g} ms (--rtt).")
    print("Snippets in another shell find it with:")
    for name, value in lab_environment(url, https_url, config.ca_bundle).items():
        print(f"  export {name}={value}")
    print(end="", flush=True)
    try:
        await stop.wait()
    finally:
        await lab.stop(servers)
        print("Lab server stopped", flush=True)


async def _listen_https(lab: Lab, servers: list[asyncio.Server], port: int) -> str:
    """Serve HTTPS with a certificate from a new CA; write the CA's; the URL."""
    context, ca_certificate = server_context()
    https = await _listen(lab, servers, port, "--tls-port", context)
    # Only now: a lab that cannot start leaves a running lab's CA file alone.
    try:
        write_ca_bundle(lab.config.ca_bundle, ca_certificate)
    except OSError as error:
        reason = error.strerror or error
        message = f"cannot write the CA certificate to {lab.config.ca_bundle}: {reason}"
        raise ListenError(message) from None
    return url_for(*https.sockets[0].getsockname()[:2], "https")


async def _listen(
    lab: Lab,
    servers: list[asyncio.Server],
    port: int,
    option: str,
    context: ssl.SSLContext | None = None,
) -> asyncio.Server:
    """Serve on `port`, through a delaying relay in --rtt mode; the public server.

    Each server started is added to `servers`, so that stop() closes it.
    """
    config = lab.config
    tls: dict[str, Any] = {}
    if context is not None:
        tls = {"ssl": context, "ssl_handshake_timeout": config.handshake_timeout}
    if not config.rtt:
        servers.append(await _start(lab.handle, config.host, port, option, tls))
        return servers[-1]
    hidden = await _start(lab.handle, config.host, 0, option, tls)
    servers.append(hidden)
    upstream = hidden.sockets[0].getsockname()[:2]
    relay = Relay(config.rtt, upstream, lab.client_ports)
    lab.relays.append(relay)
    servers.append(await _start(relay.handle, config.host, port, option, {}))
    return servers[-1]


async def _start(
    handler: Handler, host: str, port: int, option: str, tls: dict[str, Any]
) -> asyncio.Server:
    try:
        return await asyncio.start_server(handler, host, port, **tls)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            message = (
                f"port {port} is already in use; stop the other lab or pass {option}"
            )
        else:
            reason = error.strerror or error
            message = f"cannot listen on {host}:{port}: {reason}"
        raise ListenError(message) from None
