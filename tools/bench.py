"""Measure connection reuse against labs with a real round-trip time: `make bench`.

    python -m tools.bench              (or: make bench; a few minutes)
    python -m tools.bench --smoke      (tiny sizes, seconds; prints, writes nothing)

It starts one lab per round-trip time in RTTS (lab.process.LabProcess, whose
relay delays every byte: see lab/delay.py), and measures, in rounds, with the
variants of each round interleaved so that the machine's drift cancels out:

- sequential: N requests with `requests.get()`, each on a new connection, and N
  on one Session whose connection is already open; over HTTP and HTTPS; the
  client's CPU time and the lab's, and what the lab counted;
- threads: T threads share one Session, with `pool_maxsize` 1, T/2 and T, and
  `pool_block` off and on: wall time, connections the lab accepted, and
  urllib3's "Connection pool is full" warnings.

It writes the raw rounds, and the machine they ran on, to data/bench.json;
`make bench` then draws the charts from it (python -m tools.bench_report).
Medians, the model and the page's tables are derived from the file by
tools/bench_report.py, at every build.
The data file is replaced whole or not at all.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

from lab.process import LabProcess
from tools.data_file import add_output_option, write_whole

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "bench.json"
TIMEOUT = (5.0, 30.0)  # connect, read: every request is bounded
POOL_FULL = "Connection pool is full"  # the start of urllib3's warning


@dataclasses.dataclass(frozen=True)
class Sizes:
    rtts: tuple[float, ...]  # seconds; the first must be 0, the loopback baseline
    requests: int  # per variant and round, sequential
    rounds: int
    threads: int
    thread_requests: int  # per thread
    thread_rtt: float  # the lab the threads run against


FULL = Sizes(
    rtts=(0.0, 0.010, 0.050),
    requests=30,
    rounds=9,
    threads=8,
    thread_requests=12,
    thread_rtt=0.010,
)
# One lab, on loopback: the smoke run checks the code, not the relay.
SMOKE = Sizes(
    rtts=(0.0,), requests=2, rounds=1, threads=2, thread_requests=1, thread_rtt=0.0
)


def machine() -> dict[str, Any]:
    """What the figures came from."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "requests": requests.__version__,
        "urllib3": urllib3.__version__,
        "openssl": ssl.OPENSSL_VERSION,
        "date": date.today().isoformat(),
    }


def server_cpu(pid: int) -> float:
    """The CPU seconds a process has used, all its threads, at nanosecond
    resolution (/proc/<pid>/task/*/schedstat; /proc/<pid>/stat counts ticks)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
            total += int((task / "schedstat").read_text().split()[0])
    return total / 1e9


@dataclasses.dataclass
class Target:
    """One lab, one scheme: where to send the requests, and how to verify."""

    lab: LabProcess
    scheme: str  # "http" or "https"

    @property
    def url(self) -> str:
        return self.lab.https_url if self.scheme == "https" else self.lab.url

    @property
    def verify(self) -> str | bool:
        return str(self.lab.ca_bundle) if self.scheme == "https" else True

    def control(self, method: str, path: str) -> dict[str, Any]:
        response = requests.request(method, self.lab.url + path, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json() if method == "GET" else {}


def with_get(target: Target, count: int) -> None:
    for _ in range(count):
        requests.get(target.url, verify=target.verify, timeout=TIMEOUT)


@contextmanager
def opened_session(target: Target) -> Iterator[Callable[[int], None]]:
    """A Session whose connection is open: its first request is not timed."""
    with requests.Session() as session:
        session.get(target.url, verify=target.verify, timeout=TIMEOUT)

        def send(count: int) -> None:
            for _ in range(count):
                session.get(target.url, verify=target.verify, timeout=TIMEOUT)

        yield send


def measured(target: Target, variant: str, count: int) -> dict[str, float]:
    """`count` requests one way, per request: wall and CPU seconds, and what
    the lab counted (connections, TLS handshakes) for the whole variant."""
    target.control("POST", "/reset")
    with ExitStack() as stack:
        send = (
            stack.enter_context(opened_session(target))
            if variant == "session"
            else lambda n: with_get(target, n)
        )
        pid = target.lab.process.pid
        cpu, server, wall = time.process_time(), server_cpu(pid), time.perf_counter()
        send(count)
        wall = time.perf_counter() - wall
        cpu, server = time.process_time() - cpu, server_cpu(pid) - server
    stats = target.control("GET", "/stats")
    return {
        "seconds": wall / count,
        "client_cpu": cpu / count,
        "server_cpu": server / count,
        "connections": stats["connections"],
        "tls_full": stats.get("tls_full", 0),
    }


def sequential(labs: dict[float, LabProcess], sizes: Sizes) -> list[dict[str, Any]]:
    """Every (RTT, scheme), `sizes.rounds` rounds; in each, get() and the
    Session one after the other, the first of them alternating."""
    cells = [
        {"rtt": rtt, "scheme": scheme, "rounds": []}
        for rtt in sizes.rtts
        for scheme in ("http", "https")
    ]
    for number in range(sizes.rounds):
        for cell in cells:
            target = Target(labs[cell["rtt"]], cell["scheme"])
            order = ("get", "session") if number % 2 == 0 else ("session", "get")
            cell["rounds"].append(
                {v: measured(target, v, sizes.requests) for v in order}
            )
    return cells


class PoolFullCounter(logging.Handler):
    """Counts urllib3's "Connection pool is full" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(POOL_FULL):
            self.count += 1


def threaded_round(target: Target, sizes: Sizes, maxsize: int, block: bool) -> dict:
    """T threads, one Session, the pool as given: wall time, connections, warnings."""
    target.control("POST", "/reset")
    counter = PoolFullCounter()
    pool_logger = logging.getLogger("urllib3.connectionpool")
    pool_logger.addHandler(counter)
    start = threading.Barrier(sizes.threads + 1)
    failures: list[BaseException] = []

    def work(session: requests.Session) -> None:
        start.wait(timeout=TIMEOUT[1])
        try:
            for _ in range(sizes.thread_requests):
                session.get(target.url, verify=target.verify, timeout=TIMEOUT)
        except BaseException as error:  # reported after the join, not lost
            failures.append(error)

    try:
        with requests.Session() as session:
            adapter = HTTPAdapter(pool_maxsize=maxsize, pool_block=block)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            workers = [
                threading.Thread(target=work, args=(session,))
                for _ in range(sizes.threads)
            ]
            for worker in workers:
                worker.start()
            start.wait(timeout=TIMEOUT[1])
            began = time.perf_counter()
            for worker in workers:
                worker.join()
            wall = time.perf_counter() - began
    finally:
        pool_logger.removeHandler(counter)
    if failures:
        raise failures[0]
    stats = target.control("GET", "/stats")
    return {
        "seconds": wall,
        "connections": stats["connections"],
        "warnings": counter.count,
    }


def pool_sizes(threads: int) -> tuple[int, ...]:
    return tuple(sorted({1, max(1, threads // 2), threads}))


def threaded(labs: dict[float, LabProcess], sizes: Sizes) -> dict[str, Any]:
    """Each pool configuration in every round, their order rotating per round."""
    cells = [
        {"scheme": scheme, "pool_maxsize": maxsize, "pool_block": block, "rounds": []}
        for scheme in ("http", "https")
        for maxsize in pool_sizes(sizes.threads)
        for block in (False, True)
    ]
    for number in range(sizes.rounds):
        shift = number % len(cells)
        for cell in cells[shift:] + cells[:shift]:
            target = Target(labs[sizes.thread_rtt], cell["scheme"])
            args = (target, sizes, cell["pool_maxsize"], cell["pool_block"])
            cell["rounds"].append(threaded_round(*args))
    return {
        "rtt": sizes.thread_rtt,
        "threads": sizes.threads,
        "requests_per_thread": sizes.thread_requests,
        "cells": cells,
    }


def tls_version(lab: LabProcess) -> str:
    """The TLS version the lab and this client agree on."""
    response = requests.get(lab.https_url, verify=str(lab.ca_bundle), timeout=TIMEOUT)
    return response.headers["X-Lab-TLS-Version"]


def measure(sizes: Sizes, labs: dict[float, LabProcess]) -> dict[str, Any]:
    """Measure against `labs`, one per round-trip time: the data file's content."""
    if sizes.rtts[0] != 0:
        raise ValueError("the first RTT must be 0: the model needs the loopback run")
    # How busy the machine was: the 1-minute load average, before and after.
    load_before = os.getloadavg()[0]
    data = {
        "machine": {**machine(), "tls": tls_version(labs[0.0])},
        "sizes": {**dataclasses.asdict(sizes), "rtts": list(sizes.rtts)},
        "sequential": sequential(labs, sizes),
        "threads": threaded(labs, sizes),
    }
    data["machine"]["load_average"] = [load_before, os.getloadavg()[0]]
    return data


def run(sizes: Sizes, folder: Path) -> dict[str, Any]:
    """Start a lab per round-trip time, measure, stop them."""
    with ExitStack() as stack:
        labs: dict[float, LabProcess] = {}
        for rtt in sorted({*sizes.rtts, sizes.thread_rtt}):
            lab = LabProcess(log=folder / f"lab-{rtt:g}.log", rtt=rtt)
            stack.callback(lab.stop)
            labs[rtt] = lab
        return measure(sizes, labs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, as `make test` uses; prints the data, writes nothing",
    )
    add_output_option(parser, DATA_FILE)
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        data = run(sizes, Path(folder))
    data["machine"]["seconds"] = round(time.monotonic() - began)
    text = json.dumps(data, indent=1) + "\n"
    if args.smoke:
        print(text, end="")
        return 0
    write_whole(args.output, text)
    print(f"wrote {args.output.relative_to(ROOT)} in {data['machine']['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
