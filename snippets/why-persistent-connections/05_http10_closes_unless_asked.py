"""An HTTP/1.0 request gets one answer, unless it asks for keep-alive."""

import socket
from urllib.parse import urlsplit

from lab import LAB_URL, lab_stats, reset_lab

lab = urlsplit(LAB_URL)


def http10_request(*headers: str) -> bytes:
    lines = ["GET / HTTP/1.0", f"Host: {lab.netloc}", *headers, "", ""]
    return "\r\n".join(lines).encode()


def send_and_read_until_closed(data: bytes) -> list[str]:
    """Send bytes on a new connection; the answers' Connection header lines."""
    with socket.create_connection((lab.hostname, lab.port), timeout=5) as sock:
        sock.sendall(data)
        # recv() returns b"" only once the server has closed the connection.
        answers = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
    lines = answers.splitlines()
    return [line for line in lines if line.startswith("Connection:")]


# One plain HTTP/1.0 request: the server answers it, then closes.
reset_lab()  # start the lab's counters from zero
print(send_and_read_until_closed(http10_request()))  # <- no keep-alive asked
#> ['Connection: close']
print(lab_stats())
#> {'connections': 1, 'requests': 1}

# Two in a row, the first asking for keep-alive: one connection carries both.
reset_lab()
both = http10_request("Connection: keep-alive") + http10_request()  # <-
print(send_and_read_until_closed(both))
#> ['Connection: keep-alive', 'Connection: close']
print(lab_stats())
#> {'connections': 1, 'requests': 2}
