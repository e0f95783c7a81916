"""Recipe: reuse one connection, and close it yourself before a long pause."""

import os

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
TIMEOUT = (3.05, 30)

with requests.Session() as session:
    for _ in range(3):  # one connection, if the server keeps it open
        session.get(BASE_URL, timeout=TIMEOUT).raise_for_status()
    # Idle next for longer than the server keeps a connection open? Ask it to
    # close this one now, rather than have it close as your next request goes.
    closing = {"Connection": "close"}
    last = session.get(BASE_URL, headers=closing, timeout=TIMEOUT)
    last.raise_for_status()
    print(last.status_code)
    #> 200
