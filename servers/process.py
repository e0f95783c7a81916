"""Start a real server on a free loopback port, and stop it by its PID.

    with running(SERVERS.values(), SHORT, backend=lab_url) as started:
        started["nginx"].url          # or a ServerStartError, with its reason

Each server runs in a process group of its own, in a temporary folder of its
own that holds its config and its log. It counts as started once it answers
GET / with its own name in X-Served-By: something else listening on the port
does not count. A server that cannot start raises ServerStartError within
seconds, with one line that names it and says why: not installed, port taken,
or what it printed about its config. `stop()` sends the server its stop signal
by PID, then SIGKILL to its whole group if anything is left, so nothing outlives
it; `running()` stops every server it started, whatever happens.
"""

from __future__ import annotations

import errno
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from servers.registry import DEFAULTS, ROOT, Launch, Server, Settings

START_TIMEOUT = 10.0  # seconds for a server to answer its first request
STOP_TIMEOUT = 5.0  # seconds for it to exit on its stop signal
PORT_ATTEMPTS = 3  # a free port can be taken before the server binds it
# What servers print when their port is taken.
PORT_TAKEN = re.compile(r"address already in use|connection in use|EADDRINUSE", re.I)
# The first line of a log that says what went wrong, else its last line.
REASON = re.compile(r"emerg|alert|error|invalid|unknown|syntax|no module", re.I)


class ServerStartError(Exception):
    """A server did not start: one line, naming it and saying why."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still there."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RunningServer:
    server: Server
    settings: Settings
    url: str
    process: subprocess.Popen
    folder: Path
    log: Path
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Its stop signal by PID; SIGKILL to its group after STOP_TIMEOUT or if
        a child is left behind. Then its folder goes."""
        if self.stopped:
            return
        self.stopped = True
        try:
            stop(self.process, self.server.stop_signal)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def stop(process: subprocess.Popen, stop_signal: signal.Signals) -> None:
    if process.poll() is None:
        process.send_signal(stop_signal)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    # The group's id is the server's PID (start_new_session): give its children
    # a moment to follow their parent out, then SIGKILL whatever is left.
    deadline = time.monotonic() + STOP_TIMEOUT
    while process.poll() is not None and group_alive(process.pid):
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if group_alive(process.pid):
        with suppress(ProcessLookupError):  # gone meanwhile
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


def _reason(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "it printed nothing"
    found = next((n for n, line in enumerate(lines) if REASON.search(line)), None)
    if found is None:
        return lines[-1][:300]
    reason = lines[found]
    if reason.endswith(":") and found + 1 < len(lines):  # said on the next line
        reason = f"{reason} {lines[found + 1]}"
    return reason[:300]


def _answers_as(name: str, port: int) -> bool:
    """Whether GET / on the port gets an answer from the server called `name`."""
    # Short: a listener that is not our server may never answer. Tried again.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=0.5)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        response.read()
        return response.getheader("X-Served-By") == name
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _start_once(
    server: Server, settings: Settings, port: int, backend: str | None
) -> RunningServer:
    folder = Path(tempfile.mkdtemp(prefix=f"server-{server.name}-"))
    # Apache's and nginx's workers run as `nobody`: they must read what is here.
    folder.chmod(0o755)
    log = folder / "server.log"
    try:
        args = server.command(Launch(server.name, folder, port, settings, backend))
        if not server.program.startswith("python -m "):
            args[0] = server.executable() or args[0]
        with log.open("wb") as output:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env={**os.environ, "SERVED_BY": server.name},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group of its own, for its children
            )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    running = RunningServer(
        server, settings, f"http://127.0.0.1:{port}", process, folder, log
    )
    try:
        _wait_until_it_answers(running, port)
    except BaseException:
        running.stop()  # whatever went wrong, nothing is left running
        raise
    return running


def _wait_until_it_answers(running: RunningServer, port: int) -> None:
    """Return once the server answers as itself; ServerStartError if it exits
    or does not answer within START_TIMEOUT."""
    server, process, log = running.server, running.process, running.log
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            reason = _reason(log)
            said = log.read_text(errors="replace").splitlines()
            if taken := next((line for line in said if PORT_TAKEN.search(line)), None):
                reason = f"port 127.0.0.1:{port} is taken ({taken.strip()[:200]})"
            raise ServerStartError(
                f"{server.name}: exited with {process.returncode}: {reason}"
            )
        if _answers_as(server.name, port):
            return
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"{server.name}: no answer on 127.0.0.1:{port} within "
                f"{START_TIMEOUT:g} s; its log says: {_reason(log)}"
            )
        time.sleep(0.05)


def start(
    server: Server,
    settings: Settings = DEFAULTS,
    *,
    backend: str | None = None,
    port: int | None = None,
) -> RunningServer:
    """Start `server` on `port`, or on a free port; ServerStartError if it cannot."""
    if server.executable() is None:
        how = (
            f"`make test` installs it (apt-get install {server.debian})"
            if server.debian
            else "run `make .venv/.installed`, which installs requirements.txt"
        )
        raise ServerStartError(
            f"{server.name}: {server.program} is not installed; {how}"
        )
    if server.needs_backend and not backend:
        raise ServerStartError(f"{server.name}: needs a back end to forward to")
    if port is not None:
        if not port_is_free(port):
            raise ServerStartError(f"{server.name}: port 127.0.0.1:{port} is taken")
        return _start_once(server, settings, port, backend)
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            return _start_once(server, settings, free_port(), backend)
        except ServerStartError as error:
            if attempt == PORT_ATTEMPTS or "is taken" not in str(error):
                raise
    raise AssertionError("unreachable")


@contextmanager
def running(
    servers: Iterable[Server],
    settings: Settings = DEFAULTS,
    *,
    backend: str | None = None,
) -> Iterator[dict[str, RunningServer | ServerStartError]]:
    """Start the servers concurrently; each is running, or the error that says why
    not. Every one that started is stopped on the way out."""
    servers = list(servers)
    # Each thread records its server as soon as it is running: if anything
    # interrupts the start, every server that did start is still stopped.
    started: dict[str, RunningServer | ServerStartError] = {}

    def start_one(server: Server) -> None:
        try:
            started[server.name] = start(server, settings, backend=backend)
        except ServerStartError as error:
            started[server.name] = error
        except Exception as error:  # a bug here: still one line, and the others go on
            why = f"{type(error).__name__}: {error}"
            started[server.name] = ServerStartError(f"{server.name}: {why}")

    try:
        with ThreadPoolExecutor(max_workers=len(servers) or 1) as pool:
            list(pool.map(start_one, servers))
        yield {server.name: started[server.name] for server in servers}
    finally:
        running_servers = [s for s in started.values() if isinstance(s, RunningServer)]
        with ThreadPoolExecutor(max_workers=len(running_servers) or 1) as pool:
            list(pool.map(RunningServer.stop, running_servers))
