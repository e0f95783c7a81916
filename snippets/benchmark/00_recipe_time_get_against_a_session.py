"""Recipe: time N requests with requests.get() and with one Session."""

import logging
import os
import time

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
VERIFY = os.environ.get("CA_BUNDLE") or True  # your private CA, if any
N = 20


class NewConnections(logging.Handler):
    """Counts the connections urllib3 opens, from its debug log."""

    count = 0

    def emit(self, record):
        message = str(record.msg)
        self.count += message.startswith(("Starting new", "Resetting dropped"))


def timed(send):
    """N calls of send(BASE_URL): wall seconds, and connections opened."""
    counter, log = NewConnections(), logging.getLogger("urllib3.connectionpool")
    level = log.level
    log.addHandler(counter)
    log.setLevel(logging.DEBUG)
    try:
        start = time.perf_counter()
        for _ in range(N):
            send(BASE_URL, verify=VERIFY, timeout=(3.05, 30)).raise_for_status()
        return {"seconds": time.perf_counter() - start, "new": counter.count}
    finally:
        log.removeHandler(counter)
        log.setLevel(level)


results = {"requests.get()": timed(requests.get)}  # <-
with requests.Session() as session:
    results["one Session"] = timed(session.get)  # <-
for way, result in results.items():
    # result["seconds"] is yours to print: no test can check a time.
    print(f"{way}, {N} requests, new connections: {result['new']}")
    #> requests.get(), 20 requests, new connections: 20
    #> one Session, 20 requests, new connections: 1
