"""Loads that once exhausted the lab, and the lab's memory under each.

    python -m tests.lab_load            # the full loads, against a lab of its own
    python -m tests.lab_load --scale 0.1

Each load is one an attacker on loopback could send, and each once hurt the lab:

- departing: clients that ask for a slow answer (/delay, /barrier) and leave
  at once. A lab that does not notice keeps each one's slot until the answer
  is due, and refuses everyone else with 503.
- non-reading: clients that ask for a 100 MiB stream and never read it. A lab
  whose writes are not timed out keeps sending, and buffering, forever.
- flaky keys: many /flaky keys of 16 KiB each. A lab that keeps every key
  grows, and once its key cap is reached, refuses every new key.

For each load it prints what the lab did and its peak resident memory (VmHWM),
read from /proc: the figures the lab's tests hold below a bound. The same
functions, at a smaller scale, run in tests/test_lab_resources.py.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lab.process import LabProcess
from tests.rawhttp import TIMEOUT, get

STREAM = "/stream/104857600?chunk=1048576"  # 100 MiB in 1 MiB chunks
KEY_SIZE = 16 * 1024 - 200  # a /flaky key that still fits the 16 KiB head limit


@dataclass
class Memory:
    """A process's resident memory, in MiB: now, and the peak so far."""

    rss: float
    peak: float

    @classmethod
    def of(cls, pid: int) -> Memory:
        fields = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024  # kB -> MiB
        return cls(rss=fields["VmRSS"], peak=fields["VmHWM"])


def connect(url: str, receive_buffer: int | None = None) -> socket.socket:
    """A connection to the lab; a small receive buffer, set before connecting,
    keeps the window small, so the lab's writes stall after a few KiB."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(TIMEOUT)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    try:
        sock.connect((parts.hostname, parts.port))
    except OSError:
        sock.close()
        raise
    return sock


def status_of(url: str, path: str = "/") -> int:
    """The status a fresh client gets for `path` (503 when the lab is full)."""
    with connect(url) as sock:
        sock.sendall(get(path, "Connection: close"))
        head = b""
        while b"\r\n" not in head:
            data = sock.recv(4096)
            if not data:
                raise ConnectionError(f"the lab closed without answering {path}")
            head += data
    return int(head.split()[1])


def departing(url: str, clients: int, path: str) -> None:
    """`clients` connections each ask for `path`, then close at once."""
    for _ in range(clients):
        with connect(url) as sock:
            sock.sendall(get(path))


@contextmanager
def non_reading(url: str, clients: int) -> Iterator[list[socket.socket]]:
    """`clients` connections ask for a 100 MiB stream and never read it."""
    with ExitStack() as stack:
        socks = []
        for _ in range(clients):
            sock = stack.enter_context(connect(url, receive_buffer=4096))
            sock.sendall(get(STREAM))
            socks.append(sock)
        yield socks


def flaky_keys(url: str, keys: int, key_size: int = KEY_SIZE) -> list[int]:
    """Ask /flaky/{key}/0 for `keys` distinct keys; the statuses, in order."""
    statuses = []
    with connect(url) as sock:
        reader = sock.makefile("rb")
        for number in range(keys):
            key = f"{number:08d}".ljust(key_size, "k")
            sock.sendall(get(f"/flaky/{key}/0"))
            status_line = reader.readline()
            statuses.append(int(status_line.split()[1]))
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            reader.read(length)
        reader.close()
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.lab_load",
        description="Put the loads that once exhausted the lab on a lab of its "
        "own, and print its peak memory under each.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every client and key count by this (default: 1)",
    )
    parser.add_argument(
        "--hold",
        type=float,
        default=12.0,
        metavar="S",
        help="how long the non-reading clients stay connected (default: 12)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error(f"--scale must be above 0 and at most 10, got {args.scale:g}")
    if not 0 <= args.hold <= 600:
        parser.error(f"--hold must be from 0 to 600 seconds, got {args.hold:g}")

    def scaled(count: int) -> int:
        return max(1, round(count * args.scale))

    with tempfile.TemporaryDirectory(prefix="lab-load-") as folder:
        loads = [
            ("departing /delay/20", "departing", scaled(256)),
            ("non-reading streams", "non-reading", scaled(100)),
            ("non-reading streams", "non-reading", scaled(250)),
            ("16 KiB /flaky keys", "flaky", scaled(10_100)),
        ]
        for title, kind, count in loads:
            lab = LabProcess(log=Path(folder) / f"{kind}.log")
            try:
                pid = lab.process.pid
                before = Memory.of(pid)
                if kind == "departing":
                    departing(lab.url, count, "/delay/20")
                    # The lab notices each close a moment later: give it 5 s,
                    # a quarter of the 20 s the departed requests would wait.
                    deadline = time.monotonic() + 5
                    while (status := status_of(lab.url)) != 200:
                        if time.monotonic() > deadline:
                            break
                    outcome = f"next client within 5 s: {status}"
                elif kind == "non-reading":
                    with non_reading(lab.url, count):
                        deadline = time.monotonic() + args.hold
                        while time.monotonic() < deadline:
                            time.sleep(0.5)
                        held = Memory.of(pid)
                    outcome = f"RSS while held {held.rss:.0f} MiB"
                else:
                    statuses = flaky_keys(lab.url, count)
                    refused = sum(status != 200 for status in statuses)
                    outcome = f"refused {refused} of {count}"
                after = Memory.of(pid)
                print(
                    f"{title:<22} x{count:<6} {outcome:<28} "
                    f"RSS {before.rss:.0f} -> {after.rss:.0f} MiB, "
                    f"peak {after.peak:.0f} MiB",
                    flush=True,
                )
            finally:
                lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
