"""close() on an unread response closes its socket: the next request redials."""

import logging
from logging.handlers import BufferingHandler

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
urllib3_log = logging.getLogger("urllib3")
urllib3_log.addHandler(log)
urllib3_log.setLevel(logging.DEBUG)

with requests.Session() as session:
    response = session.get(LAB_URL, stream=True, timeout=5)  # <- body unread
    response.close()  # <- the body was never read
    print("handed back to the pool:", response.raw.connection is None)
    #> handed back to the pool: True
    session.get(LAB_URL, timeout=5)

for message in ("Starting new HTTP connection", "Resetting dropped connection"):
    print(message, sum(message in r.getMessage() for r in log.buffer))
    #> Starting new HTTP connection 1
    #> Resetting dropped connection 1
print(lab_stats())
#> {'connections': 2, 'requests': 2}
