"""One connection, from its first request to its close.

The loop reads a request (lab.wire), finds its route (lab.registry), runs it
(lab.routes) and writes the answer, until either side closes the connection.
What a client holds, it gives back when it leaves: while a route waits or an
answer is sent, the client's side is watched, and every write is bounded in
size and in time.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import sys
import traceback

try:  # Unix only
    import fcntl
    import termios
except ImportError:
    fcntl = termios = None  # type: ignore[assignment]
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lab.registry import Drop, Invalid, Outcome, Route, find
from lab.routes import Exchange, error_response
from lab.wire import (
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

if TYPE_CHECKING:
    from lab.server import Lab
    from lab.tls import TlsFacts

LINGER_TIMEOUT = 1.0  # how long to drain a client after an error response
CLOSE_TIMEOUT = 5.0  # how long a close may wait for a client to read our output
WRITE_PIECE = 64 * 1024  # how much of an answer is written at a time
MAX_PIPELINED = 64 * 1024  # what the lab keeps of what a client sends meanwhile
NO_CONTENT = frozenset({204, 304})
# The ioctl that reads a TCP socket's unacknowledged bytes (SIOCOUTQ), on Linux.
_SIOCOUTQ = getattr(termios, "TIOCOUTQ", None) if termios else None
# struct linger {l_onoff, l_linger}: on, 0 s. Closing then sends RST, not FIN.
_LINGER_ZERO = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)


@dataclass(eq=False)
class Connection:
    """One TCP connection: who it is, its limits, and the loop that serves it."""

    lab: Lab
    number: int
    client_port: int
    writer: asyncio.StreamWriter
    incoming: Incoming
    idle_timeout: float
    requests: int = 0  # requests started on this connection
    max_requests: int | None = None  # set by /max/{n}
    counted_in: int = -1  # the stats epoch that last counted this connection
    overflowed: bool = False  # it sent over MAX_PIPELINED bytes while waiting
    close_unsaid: bool = False  # an answer kept quiet that this would close
    tls: TlsFacts | None = None  # None: plain HTTP
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def identity(self) -> dict[str, Any]:
        return {
            "connection": self.number,
            "request": self.requests,
            "client_port": self.client_port,
        }

    async def serve(self) -> str:
        """Answer requests until the connection must close; return why it did."""
        config, incoming = self.lab.config, self.incoming
        while True:
            await wait_for_request(incoming, self.idle_timeout)
            if self.close_unsaid:
                self._log_request(None, "dropped (FIN): its close was unsaid")
                return "closed, as the last answer did not say"
            self.requests += 1
            request = None
            try:
                request = parse_head(await read_head(incoming, config.header_timeout))
                if request.expects_continue:
                    self.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                request.body = await read_body(incoming, request, config.body_timeout)
            except HttpError as error:
                if request is None or not _is_control(find(request.path)):
                    self.lab.stats.count_request(self)
                response = error_response(error.status, error.message, close=True)
                await self._send(request, response)
                self._log_request(request, f"{error.status} ({error.message})")
                await _linger(self.writer, incoming)
                return f"after a {error.status}"
            found = find(request.path)
            # Counted on arrival: a slow route (/delay, /barrier) finishing
            # after its client gave up must not land in later counts.
            if not _is_control(found):
                self.lab.stats.count_request(self)
            if why := await self._unless_client_leaves(request, found):
                return why

    async def _unless_client_leaves(
        self, request: Request, found: tuple[Route, dict[str, str]] | None
    ) -> str | None:
        """Answer the request, unless the client leaves first; say why to close.

        While a route waits or an answer is sent, the client's side is watched:
        an end of file (a close, or a half-close) or a reset means it left, and
        what it holds must be freed now, not when the answer would be due.
        """
        task = asyncio.ensure_future(self._exchange(request, found))
        watcher = asyncio.ensure_future(self._watch_client())
        try:
            await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # the lab is stopping
            task.cancel()
            watcher.cancel()
            raise
        if not task.done():
            await _cancel(task)
            why = watcher.result()
            self._log_request(request, f"abandoned ({why})")
            return why
        await _cancel(watcher)
        if why := task.result():
            return why
        if self.overflowed:
            return f"client sent over {MAX_PIPELINED} bytes while waiting"
        return None

    async def _watch_client(self) -> str:
        """Return once the client closes or resets the connection, saying which.

        What it sends meanwhile is kept for the next requests, up to
        MAX_PIPELINED bytes. Beyond that none of it will be answered: it is
        all thrown away, and the connection closes after this answer.
        """
        buffer = self.incoming.buffer
        try:
            while await self.incoming.receive(None):
                if len(buffer) > MAX_PIPELINED:
                    buffer.clear()
                    self.overflowed = True
        except OSError:
            return "reset by client while waiting"
        return "closed by client while waiting"

    async def _exchange(
        self,
        request: Request,
        found: tuple[Route, dict[str, str]] | None,
    ) -> str | None:
        """Answer one request; return why the connection must close, or None."""
        outcome = await self._route(request, found)
        if isinstance(outcome, Drop):
            self._log_request(request, f"dropped ({outcome.how.upper()})")
            if outcome.how == "rst":
                abort_with_reset(self.writer)
            return f"dropped with {outcome.how.upper()}"
        if self.max_requests is not None and self.requests >= self.max_requests:
            outcome.close = True
        if self.overflowed:  # what it sent meanwhile is lost: it must resend it
            outcome.close = True
        keep_alive = await self._send(request, outcome)
        self._log_request(request, str(outcome.status))
        return None if keep_alive else "closed by server"

    async def _route(
        self,
        request: Request,
        found: tuple[Route, dict[str, str]] | None,
    ) -> Outcome:
        if found is None:
            return error_response(404, f"no route for {request.path}")
        route, path_params = found
        if not route.allows(request.method):
            message = f"{request.method} is not allowed here: use {route.allow}"
            response = error_response(405, message)
            response.headers.append(("Allow", str(route.allow)))
            return response
        try:
            arguments = route.arguments(path_params, request.query)
            return await route.handler(Exchange(self.lab, self, request), **arguments)
        except Invalid as error:
            return error_response(400, str(error))
        except Exception:  # a bug in the lab: keep the traceback, say so
            traceback.print_exc()
            return error_response(500, "internal error in the lab", close=True)

    async def _send(self, request: Request | None, response: Response) -> bool:
        """Write the response; return whether the connection stays open."""
        version = request.version if request else (1, 1)
        chunked = response.chunks is not None and version >= (1, 1)
        # HTTP/1.0 has no chunked encoding: a stream ends when the connection does.
        close_delimited = response.chunks is not None and not chunked
        keep_alive = response.close_unsaid or (
            request is not None
            and request.keep_alive
            and not (response.close or response.http10 or close_delimited)
        )
        self.close_unsaid = response.close_unsaid
        headers = [("Server", "lab")]
        if response.status not in NO_CONTENT:
            headers.append(("Content-Type", response.content_type))
            if chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            elif not close_delimited:
                headers.append(("Content-Length", str(len(response.body))))
        headers += [
            ("X-Lab-Connection", str(self.number)),
            ("X-Lab-Connection-Request", str(self.requests)),
            ("X-Lab-Client-Port", str(self.client_port)),
            *(self.tls.headers() if self.tls else []),
            *response.headers,
        ]
        if not response.http10:  # an HTTP/1.0 response closes by default
            if not keep_alive:
                headers.append(("Connection", "close"))
            elif version < (1, 1):
                headers.append(("Connection", "keep-alive"))
        status_version = "HTTP/1.0" if response.http10 else "HTTP/1.1"
        await self._write(encode_head(response.status, headers, status_version))
        if request is not None and request.method == "HEAD":
            return keep_alive
        if response.chunks is not None:
            async for chunk in response.chunks:
                if chunked:
                    self.writer.write(b"%x\r\n" % len(chunk))
                await self._write(chunk)
                if chunked:
                    self.writer.write(b"\r\n")
            if chunked:
                await self._write(b"0\r\n\r\n")
        elif response.status not in NO_CONTENT:
            await self._write(response.body)
        return keep_alive

    async def _write(self, data: bytes | memoryview) -> None:
        """Send `data` a piece at a time: each piece waits until the client takes it.

        A client that stops reading then costs the lab about a piece or two of
        buffer, and only until the write timeout drops it.
        """
        view = memoryview(data)
        for start in range(0, len(view), WRITE_PIECE):
            self.writer.write(view[start : start + WRITE_PIECE])
            await self._drain()

    async def _drain(self) -> None:
        """Wait for the client to take what was written; drop a client that
        takes none of it for --write-timeout seconds. A slow reader stays."""
        timeout = self.lab.config.write_timeout
        while True:
            unsent = _unsent(self.writer)
            try:
                async with asyncio.timeout(timeout):
                    await self.writer.drain()
                return
            except TimeoutError:
                if _unsent(self.writer) >= unsent:  # nothing taken in `timeout`
                    self.writer.transport.abort()
                    message = f"client read nothing for {timeout:g} s"
                    raise ConnectionDone(message) from None

    async def refuse(self) -> None:
        """Answer 503 at once to a connection over --max-connections."""
        self.requests = 1
        limit = self.lab.config.max_connections
        message = f"too many connections: the lab serves at most {limit} at a time"
        await self._send(None, error_response(503, message, close=True))
        self._log_request(None, "503 (over --max-connections)")
        await _linger(self.writer, self.incoming)

    def _log_request(self, request: Request | None, outcome: str) -> None:
        what = f"{request.method} {request.target}" if request else "-"
        self.lab.log(f"conn {self.number} req {self.requests} {what} -> {outcome}")


def abort_with_reset(writer: asyncio.StreamWriter) -> None:
    """Close the connection with a RST, not a FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
    writer.transport.abort()


def _is_control(found: tuple[Route, dict[str, str]] | None) -> bool:
    return found is not None and found[0].control


async def _cancel(task: asyncio.Task[Any]) -> None:
    """Cancel a child task and wait for it to end.

    asyncio.wait() does not raise the child's CancelledError, so a cancellation
    of our own (the lab stopping) still reaches the caller.
    """
    task.cancel()
    await asyncio.wait({task})


def _unsent(writer: asyncio.StreamWriter) -> int:
    """Bytes written but not yet taken by the client.

    Those in asyncio's buffer, and on Linux those in the kernel's send queue
    that the client has not acknowledged (SIOCOUTQ): a client that reads, even
    slowly, makes this shrink.
    """
    unsent = writer.transport.get_write_buffer_size()
    if _SIOCOUTQ is not None:
        with suppress(OSError):
            fileno = writer.get_extra_info("socket").fileno()
            queued = fcntl.ioctl(fileno, _SIOCOUTQ, b"\0" * 4)
            unsent += int.from_bytes(queued, sys.byteorder, signed=True)
    return unsent


async def close_writer(writer: asyncio.StreamWriter) -> None:
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
