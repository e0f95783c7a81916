"""Recipe: count the connections five requests take to your server."""

import logging
import os

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
TIMEOUT = (3.05, 30)


class NewConnections(logging.Handler):
    """Counts the connections urllib3 opens: the first, and each replacement."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith(("Starting new", "Resetting dropped")):
            self.count += 1


new_connections = NewConnections()
pool_log = logging.getLogger("urllib3.connectionpool")
pool_log.addHandler(new_connections)
pool_log.setLevel(logging.DEBUG)

with requests.Session() as session:
    for _ in range(5):
        session.get(BASE_URL, timeout=TIMEOUT).raise_for_status()
print("connections for 5 requests:", new_connections.count)
#> connections for 5 requests: 1
