"""An emulated round-trip time: a relay that delays every byte, in front of the lab.

The kernel here has no netem, so ``python -m lab --rtt 50ms`` puts a relay on
each of the lab's public ports, and the lab itself listens on hidden loopback
ports behind them. The relay works below TLS, so the handshake's bytes are
delayed like the requests':

- a new connection carries no data for one round trip, which stands for the
  TCP handshake (connect() itself returns at once);
- every chunk of bytes, each way, is delivered half a round trip after the
  relay read it.

So a request on a reused connection costs one round trip, one on a new
connection two, and three over TLS 1.3. That is all it models: no bandwidth
limit, no loss, no TCP slow start, no Nagle or delayed ACK.

A close (FIN) and a reset (RST) travel like data, half a round trip late, so
a client sees the lab's /fin and /rst as it would without the relay.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
from contextlib import suppress

from lab.connection import abort_with_reset

READ_SIZE = 64 * 1024
IN_FLIGHT_CHUNKS = 64  # up to 4 MiB held each way; then the sender waits
MAX_RTT = 10.0
_RTT = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(ms|s)")


def parse_rtt(text: str) -> float:
    """A round-trip time in seconds, from `50ms`, `0.05s` or `0`."""
    if text == "0":
        return 0.0
    match = _RTT.fullmatch(text)
    value = float(match[1]) / (1000 if match[2] == "ms" else 1) if match else -1.0
    if not 0 <= value <= MAX_RTT:
        raise ValueError(
            f"expected a round-trip time such as 50ms, 0.05s or 0 "
            f"(at most {MAX_RTT:g}s), got {text!r}"
        )
    return value


def rtt_argument(text: str) -> float:
    """parse_rtt for argparse: a bad value is a usage error that says why."""
    try:
        return parse_rtt(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Relay:
    """Relays each connection to `upstream`, delayed by `rtt` seconds a round trip.

    `client_ports` maps the port the relay connects from to the client's port,
    so the lab can name the real client in X-Lab-Client-Port.
    """

    def __init__(
        self, rtt: float, upstream: tuple[str, int], client_ports: dict[int, int]
    ) -> None:
        self.rtt = rtt
        self.upstream = upstream
        self.client_ports = client_ports
        self.tasks: set[asyncio.Task[None]] = set()

    async def handle(
        self, client: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        with suppress(asyncio.CancelledError):  # as in Lab.handle: only stop() does
            await self._relay(client, client_writer)

    async def _relay(
        self, client: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        opened = loop.time()
        sock = socket.socket(
            socket.AF_INET6 if ":" in self.upstream[0] else socket.AF_INET
        )
        sock.setblocking(False)
        sock.bind((self.upstream[0], 0))
        port = sock.getsockname()[1]
        # Known before the lab accepts, so the lab always finds it.
        self.client_ports[port] = client_writer.get_extra_info("peername")[1]
        lab_writer = None
        try:
            await loop.sock_connect(sock, self.upstream)
            lab, lab_writer = await asyncio.open_connection(sock=sock)
            for writer in (client_writer, lab_writer):
                writer.get_extra_info("socket").setsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
                )
            await asyncio.sleep(opened + self.rtt - loop.time())  # the TCP handshake
            async with asyncio.TaskGroup() as both_ways:
                both_ways.create_task(self._carry(client, lab_writer))
                both_ways.create_task(self._carry(lab, client_writer))
        except* OSError:  # a reset, carried over; or a side that went away
            pass
        finally:
            del self.client_ports[port]
            for writer in (client_writer, lab_writer):
                if writer is not None:
                    writer.transport.abort()  # a FIN, or the RST set up by _reset
            if lab_writer is None:
                sock.close()

    async def _carry(
        self, source: asyncio.StreamReader, target: asyncio.StreamWriter
    ) -> None:
        """Carry one direction, each chunk `rtt/2` after it was read, its end too."""
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue(
            IN_FLIGHT_CHUNKS
        )

        async def read() -> None:
            while True:
                try:
                    data: bytes | None = await source.read(READ_SIZE)
                except OSError:
                    data = None  # a reset: pass it on, as a reset
                await chunks.put((loop.time() + self.rtt / 2, data))
                if not data:
                    return

        reader = asyncio.ensure_future(read())
        try:
            while True:
                due, data = await chunks.get()
                await asyncio.sleep(due - loop.time())
                if data is None:
                    abort_with_reset(target)
                    raise ConnectionResetError("reset, carried over")
                if not data:
                    if target.can_write_eof():
                        target.write_eof()
                    return
                target.write(data)
                await target.drain()
        finally:
            reader.cancel()
            with suppress(asyncio.CancelledError, OSError):
                await reader
