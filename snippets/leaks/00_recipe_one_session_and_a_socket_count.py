"""Recipe: one Session, every streamed response closed, a socket count."""

import os
from contextlib import suppress

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service


def open_sockets():
    """How many sockets this process holds open (Linux: /proc/self/fd)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        # The listing's own descriptor is closed by now: skip it.
        with suppress(FileNotFoundError):
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


def download_size(session, url):
    """Stream url to the end; its size. `with` closes it, even on an error."""
    with session.get(url, stream=True, timeout=(3.05, 30)) as response:
        response.raise_for_status()
        return sum(len(chunk) for chunk in response.iter_content(64 * 1024))


sockets_before = open_sockets()
with requests.Session() as session:  # one Session for the whole process
    sizes = [download_size(session, BASE_URL) for _ in range(20)]
    # Log this now and then: a number that only grows is a leak.
    held = open_sockets() - sockets_before
print(f"{len(sizes)} downloads; sockets open: at most one? {held <= 1}")
#> 20 downloads; sockets open: at most one? True
print("sockets open after the Session:", open_sockets() - sockets_before)
#> sockets open after the Session: 0
