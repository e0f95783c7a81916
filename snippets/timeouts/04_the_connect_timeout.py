"""The connect timeout bounds the handshakes; a refusal fails at once."""

import re
import socket
import time

import requests

from lab import blackhole_url


def limit(error: Exception) -> str:
    """The part of an error message that names the timeout that fired."""
    return re.search(r"\((connect|read) timeout=[^)]*\)", str(error)).group()


# An address where the handshake never completes: the connect timeout fires.
with requests.Session() as session:
    try:
        session.get(blackhole_url(), timeout=(0.2, 5))  # <- connect: 0.2 s
    except requests.ConnectTimeout as error:
        print(type(error).__name__, limit(error))
        #> ConnectTimeout (connect timeout=0.2)

# A port that is bound but not listening: the kernel refuses the connection.
with socket.socket() as closed_port, requests.Session() as session:
    closed_port.bind(("127.0.0.1", 0))
    port = closed_port.getsockname()[1]
    started = time.monotonic()
    try:
        session.get(f"http://127.0.0.1:{port}/", timeout=(5, 5))  # <- refused
    except requests.ConnectionError as error:
        refused = error
    waited = time.monotonic() - started

print(type(refused).__name__)
#> ConnectionError
print("a Timeout:", isinstance(refused, requests.Timeout))
#> a Timeout: False
print("failed before the connect timeout:", waited < 5)
#> failed before the connect timeout: True

# A port that listens but never accepts: the kernel completes the TCP
# handshake, and the TLS handshake then waits for an answer that never comes.
with socket.socket() as silent, requests.Session() as session:
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    try:
        session.get(f"https://127.0.0.1:{port}/", timeout=(0.2, 5))  # <- TLS
    except requests.Timeout as error:
        print(type(error).__name__, limit(error))
        #> ReadTimeout (read timeout=0.2)
