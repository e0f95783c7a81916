"""Helpers for the guide's snippets: talk to the lab's control routes.

Each helper makes its own one-off request (never through the reader's Session)
to a control route, so it does not change what the lab counts in /stats.
"""

from __future__ import annotations

import requests

import lab

TIMEOUT = 5.0


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


def stall_url(scheme: str = "http") -> str:
    """An address on the lab's host that accepts a connection and then stays silent."""
    if scheme not in ("http", "https"):
        raise ValueError(f"scheme must be 'http' or 'https', not {scheme!r}")
    response = _control("GET", "/stall")
    response.raise_for_status()
    url: str = response.json()["url"]
    return scheme + url.removeprefix("http")
