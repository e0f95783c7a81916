"""A pooled connection the server closed earlier is checked, and replaced."""

import logging
from logging.handlers import BufferingHandler

import requests

from lab import LAB_URL, connection_closed

records = BufferingHandler(capacity=100)  # keeps urllib3's log records
urllib3_log = logging.getLogger("urllib3")
urllib3_log.addHandler(records)
urllib3_log.setLevel(logging.DEBUG)

with requests.Session() as session:
    # The lab closes this connection once it has been idle for 0.2 s.
    response = session.get(f"{LAB_URL}/idle/0.2", timeout=5)  # <- idle 0.2 s
    print(connection_closed(response))  # waits until it has
    #> True
    again = session.get(LAB_URL, timeout=5)  # <- replaced, without an error
    # Request 1 of its connection: a new one, opened without an error.
    print(again.status_code, again.headers["X-Lab-Connection-Request"])
    #> 200 1

checks = [r for r in records.buffer if "Resetting dropped" in r.getMessage()]
print("replaced after the check:", len(checks))
#> replaced after the check: 1
