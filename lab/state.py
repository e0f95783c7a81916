"""What the lab remembers between requests, each part bounded.

- Stats: what /stats reports, since the last /reset.
- FlakyAttempts: the requests each /flaky key has seen.
- Barriers: the /barrier groups filling up.
- Blackhole: the listener /blackhole hands out.
- Stall: the listener /stall hands out.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lab.registry import Invalid
from lab.wire import url_for

if TYPE_CHECKING:
    from lab.connection import Connection

MAX_FLAKY_KEYS = 10_000
FLAKY_KEY_COST = 16  # bytes: what a /flaky key costs, its digest
BLACKHOLE_FILL = 16  # most connections a full listen queue may take here
STALL_HELD = 16  # connections /stall's listener holds; it closes the oldest


@dataclass
class Stats:
    """What /stats reports: counted requests, the connections carrying them, and
    those connections' TLS handshakes, full or resumed."""

    connections: int = 0
    requests: int = 0
    tls_full: int = 0
    tls_resumed: int = 0
    epoch: int = 0  # bumped by each reset

    def count_request(self, conn: Connection) -> None:
        self.requests += 1
        if conn.counted_in != self.epoch:
            conn.counted_in = self.epoch
            self.connections += 1
            if conn.tls is not None and conn.tls.resumed:
                self.tls_resumed += 1
            elif conn.tls is not None:
                self.tls_full += 1

    def reset(self) -> None:
        self.epoch += 1
        self.connections = self.requests = self.tls_full = self.tls_resumed = 0

    def as_dict(self) -> dict[str, int]:
        counts = {"connections": self.connections, "requests": self.requests}
        # Only once HTTPS was used: what a plain-HTTP proof prints stays short.
        if self.tls_full or self.tls_resumed:
            counts |= {"tls_full": self.tls_full, "tls_resumed": self.tls_resumed}
        return counts


class FlakyAttempts:
    """Requests seen per /flaky key: bounded in number and in size.

    A key costs a 16-byte digest however long it is, and beyond MAX_FLAKY_KEYS
    the least recently used key is forgotten, so no client can fill the lab.
    """

    def __init__(self, limit: int = MAX_FLAKY_KEYS) -> None:
        self.limit = limit
        self._seen: OrderedDict[bytes, int] = OrderedDict()

    def count(self, key: str) -> int:
        """Count one more request for `key`; return how many it has seen."""
        digest = hashlib.blake2b(
            key.encode(errors="replace"), digest_size=FLAKY_KEY_COST
        ).digest()
        attempt = self._seen.pop(digest, 0) + 1
        self._seen[digest] = attempt  # now the most recently used
        if len(self._seen) > self.limit:
            self._seen.popitem(last=False)
        return attempt

    def clear(self) -> None:
        self._seen.clear()


@dataclass(eq=False)
class _Group:
    size: int
    arrived: int = 0
    full: asyncio.Event = field(default_factory=asyncio.Event)


class Barriers:
    """The /barrier groups filling up, one per key."""

    def __init__(self) -> None:
        self._filling: dict[str, _Group] = {}

    async def wait(self, key: str, size: int, timeout: float) -> int | None:
        """Wait for `size` requests for `key`: None once they came, or how many
        had come when `timeout` ran out."""
        group = self._filling.setdefault(key, _Group(size))
        if group.size != size:
            raise Invalid(f"barrier {key!r} is filling up to {group.size}, not {size}")
        group.arrived += 1
        if group.arrived == size:
            del self._filling[key]  # the next request for this key starts anew
            group.full.set()
        came = None
        try:
            async with asyncio.timeout(timeout):
                await group.full.wait()
        except TimeoutError:
            came = group.arrived
        finally:
            # Timed out, or cancelled because the client left: no longer waiting.
            if not group.full.is_set():
                group.arrived -= 1
                if group.arrived == 0 and self._filling.get(key) is group:
                    del self._filling[key]
        return came


class Blackhole:
    """A listener that never accepts, with its queue filled: SYNs are dropped."""

    def __init__(self, host: str) -> None:
        self.host = host
        self._listener: socket.socket | None = None
        self._fillers: list[socket.socket] = []  # the connections filling it

    async def url(self) -> str:
        if self._listener is None:
            self._listener = await self._fill(self._listen())
        host, port = self._listener.getsockname()[:2]
        return url_for(host, port)

    def _listen(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.bind((self.host, 0))
        listener.listen(0)  # never accept(): the queue fills and stays full
        return listener

    async def _fill(self, listener: socket.socket) -> socket.socket:
        loop = asyncio.get_running_loop()
        for _ in range(BLACKHOLE_FILL):
            filler = socket.socket(listener.family, socket.SOCK_STREAM)
            filler.setblocking(False)
            self._fillers.append(filler)
            try:
                async with asyncio.timeout(0.2):
                    await loop.sock_connect(filler, listener.getsockname())
            except TimeoutError:  # the kernel dropped our SYN: the queue is full
                return listener
        self.close()
        listener.close()
        raise RuntimeError("the blackhole's listen queue never filled up")

    def close(self) -> None:
        for sock in [*self._fillers, *([self._listener] if self._listener else [])]:
            sock.close()
        self._fillers.clear()
        self._listener = None


class Stall:
    """A listener that accepts connections, then never reads, writes or closes
    them: a TLS handshake gets no answer, and an upload stalls once the
    buffers are full. It holds the STALL_HELD most recent ones."""

    def __init__(self, host: str) -> None:
        self.host = host
        self._listener: socket.socket | None = None
        self._accepting: asyncio.Task[None] | None = None
        self._held: deque[socket.socket] = deque()

    def url(self) -> str:
        if self._listener is None:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            listener.bind((self.host, 0))
            listener.listen(STALL_HELD)
            listener.setblocking(False)
            self._listener = listener
            self._accepting = asyncio.ensure_future(self._accept(listener))
        host, port = self._listener.getsockname()[:2]
        return url_for(host, port)

    async def _accept(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, _ = await loop.sock_accept(listener)
            except OSError:  # out of file descriptors, say: the lab goes on
                await asyncio.sleep(0.1)
                continue
            self._held.append(sock)
            if len(self._held) > STALL_HELD:
                self._held.popleft().close()

    def close(self) -> None:
        if self._accepting is not None:
            self._accepting.cancel()
        for sock in [*self._held, *([self._listener] if self._listener else [])]:
            sock.close()
        self._held.clear()
        self._listener = self._accepting = None
