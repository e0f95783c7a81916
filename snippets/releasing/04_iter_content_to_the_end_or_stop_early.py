"""iter_content() to the end releases the connection; a break does not."""

import requests

from lab import LAB_URL, connection_closed, lab_stats, reset_lab

CHUNKED = f"{LAB_URL}/stream/10000?chunk=1000"  # chunked: 10 chunks of 1,000
SIZED = LAB_URL  # a short JSON body, framed by its Content-Length


def read_then_get(url, stop_at):
    """Stream url 10 bytes at a time, break at stop_at bytes; then GET again."""
    reset_lab()
    with requests.Session() as session:
        with session.get(url, stream=True, timeout=5) as response:
            received = 0
            for chunk in response.iter_content(chunk_size=10):  # <- to the end,
                received += len(chunk)
                if received == stop_at:
                    break  # <- or stop early
            # Still inside the with block: close() has not run yet.
            held = response.raw.connection is not None
            closed = connection_closed(response, wait=0.1)
        session.get(LAB_URL, timeout=5)
    return held, closed, lab_stats()["connections"]


for name, url, stop_at in (
    ("chunked, to the end", CHUNKED, None),
    ("chunked, break", CHUNKED, 10),
    ("Content-Length, break", SIZED, 10),
):
    held, closed, connections = read_then_get(url, stop_at)
    print(f"{name}: held {held}, closed {closed}, connections {connections}")
    #> chunked, to the end: held False, closed False, connections 1
    #> chunked, break: held False, closed True, connections 2
    #> Content-Length, break: held True, closed False, connections 2
