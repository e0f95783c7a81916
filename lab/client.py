"""Helpers for the guide's snippets: talk to the lab's control routes.

Each helper makes its own one-off request (never through the reader's Session)
to a control route, so it does not change what the lab counts in /stats.
"""

from __future__ import annotations

import json
import os
import runpy
import select
import signal
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import requests

import lab

TIMEOUT = 5.0
# The guide's snippets, beside this package in the repository.
SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"


def _control(method: str, path: str, *, timeout: float = TIMEOUT) -> requests.Response:
    url = lab.LAB_URL
    try:
        return requests.request(method, url + path, timeout=timeout)
    except requests.ConnectionError as error:
        message = f"no lab server at {url}: start it with `python -m lab`"
        raise RuntimeError(message) from error


def reset_lab() -> None:
    """Zeroes the lab's counters and forgets its /flaky keys."""
    _control("POST", "/reset").raise_for_status()


def lab_stats() -> dict[str, int]:
    """The connections and requests the lab counted since the last reset, as a dict."""
    response = _control("GET", "/stats")
    response.raise_for_status()
    stats: dict[str, int] = response.json()
    return stats


def connection_closed(
    response_or_number: requests.Response | int | str, wait: float = TIMEOUT
) -> bool:
    """Whether the lab saw a response's connection close, waiting `wait` seconds.

    Give it a response from the lab, or the number in its X-Lab-Connection header.
    True as soon as the connection is closed, by either side; False if it is still
    open after `wait` seconds. A wait is never a guess: the lab answers the moment
    the connection closes.
    """
    if isinstance(response_or_number, requests.Response):
        number = response_or_number.headers.get("X-Lab-Connection")
        if number is None:
            message = "the response has no X-Lab-Connection header: not from the lab?"
            raise ValueError(message)
    else:
        number = str(response_or_number)
    # The HTTP timeout outlasts the lab's own wait, so the lab's answer arrives.
    answer = _control(
        "GET", f"/wait-closed/{number}?timeout={wait:g}", timeout=wait + TIMEOUT
    )
    if answer.status_code not in (200, 504):
        raise RuntimeError(f"lab connection {number}: {answer.json().get('error')}")
    closed: bool = answer.json()["closed"]
    return closed


def blackhole_url() -> str:
    """An address on the lab's host where a TCP connect never completes."""
    response = _control("GET", "/blackhole")
    response.raise_for_status()
    url: str = response.json()["url"]
    return url


def in_a_fork(work: Callable[[], str], timeout: float = TIMEOUT) -> str:
    """Runs `work()` in a child made with `os.fork()`, and returns its result.

    The child starts with a copy of everything the parent holds, pooled
    sockets included. It sends back what `work()` returned, or the exception it
    raised as "Name: message", then leaves with `os._exit()`, so it never runs
    the parent's code on. A child that sends nothing within `timeout` seconds
    is killed.
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the child
        try:
            try:
                result = str(work())
            except Exception as error:  # the parent reports it
                result = f"{type(error).__name__}: {error}"
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as from_child:
            if not select.select([from_child], [], [], timeout)[0]:
                os.kill(child, signal.SIGKILL)
                raise TimeoutError(f"the forked child took over {timeout:g} s")
            sent = from_child.read()
    finally:
        _, status = os.waitpid(child, 0)
    if not sent:  # it left another way, such as sys.exit() in `work`
        raise RuntimeError(f"the forked child exited ({status}) without a result")
    answer: str = json.loads(sent)
    return answer


def recipe(name: str) -> SimpleNamespace:
    """Loads a recipe shown on a page, such as "deployment/00_recipe_….py".

    Its definitions come back as attributes; the code under its
    `if __name__ == "__main__":` does not run, but the rest of its module-level
    code does, each time. A proof that tests a recipe uses it as the page shows
    it, not a copy.
    """
    path = (SNIPPETS / name).resolve()
    if not (path.is_relative_to(SNIPPETS) and path.is_file()) or (
        "_recipe_" not in path.name
    ):
        raise ValueError(f"no recipe {name!r} in {SNIPPETS}")
    return SimpleNamespace(**runpy.run_path(str(path), run_name="recipe"))


def stall_url(scheme: str = "http") -> str:
    """An address on the lab's host that accepts a connection and then stays silent."""
    if scheme not in ("http", "https"):
        raise ValueError(f"scheme must be 'http' or 'https', not {scheme!r}")
    response = _control("GET", "/stall")
    response.raise_for_status()
    url: str = response.json()["url"]
    return scheme + url.removeprefix("http")
