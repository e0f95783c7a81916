"""Even with no body (HEAD, 204), a streamed response holds its connection."""

import requests

from lab import LAB_URL, lab_stats, reset_lab


def three_requests(method, path, read):
    """Three streamed requests, each closed on leaving its with block."""
    reset_lab()
    with requests.Session() as session:
        for _ in range(3):
            url = f"{LAB_URL}{path}"
            with session.request(method, url, stream=True, timeout=5) as r:
                held = r.raw.connection is not None
                if read:
                    _ = r.content  # <- b"", but now the body counts as read
    return held, lab_stats()["connections"]


for method, path in (("HEAD", "/"), ("GET", "/status/204")):  # <- no body
    for read in (False, True):
        held, count = three_requests(method, path, read)
        print(f"{method} {path}, read={read}: held {held}, connections {count}")
        #> HEAD /, read=False: held True, connections 3
        #> HEAD /, read=True: held True, connections 1
        #> GET /status/204, read=False: held True, connections 3
        #> GET /status/204, read=True: held True, connections 1
