"""urllib3 ignores Keep-Alive: timeout=, and finds the close at its next use."""

import logging
from logging.handlers import BufferingHandler

import requests

from lab import LAB_URL, connection_closed

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
urllib3_log = logging.getLogger("urllib3")
urllib3_log.addHandler(log)
urllib3_log.setLevel(logging.DEBUG)

with requests.Session() as session:
    first = session.get(f"{LAB_URL}/idle/0.2", timeout=5)  # <- announces 0.2 s
    print("announced:", first.headers["Keep-Alive"])
    #> announced: timeout=0.2
    # Returns once the lab has closed the connection, 0.2 s after the answer.
    print("closed by the lab:", connection_closed(first))
    #> closed by the lab: True
    second = session.get(LAB_URL, timeout=5)  # <- no error: urllib3 reconnects

print("status:", second.status_code)
#> status: 200
print("request on its connection:", second.headers["X-Lab-Connection-Request"])
#> request on its connection: 1
messages = [record.getMessage() for record in log.buffer]
resets = [m for m in messages if m.startswith("Resetting dropped connection")]
print("Resetting dropped connection:", len(resets))
#> Resetting dropped connection: 1
