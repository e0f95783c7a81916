"""After a burst, a pool keeps pool_maxsize connections and reuses them."""

import logging
from concurrent.futures import ThreadPoolExecutor
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, connection_closed, lab_stats, reset_lab

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)


def warnings():
    return sum("Connection pool is full" in r.getMessage() for r in log.buffer)


reset_lab()
with requests.Session() as session:
    adapter = HTTPAdapter(pool_maxsize=2)  # <- keeps two
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def burst(key, size):
        """size requests in flight at once: the lab answers them together."""

        def fetch(_):
            url = f"{LAB_URL}/barrier/{key}/{size}"
            return session.get(url, timeout=5)

        with ThreadPoolExecutor(max_workers=size) as threads:
            return list(threads.map(fetch, range(size)))

    first = burst("pooling-six", 6)  # <- six at once
    print([r.status_code for r in first])
    #> [200, 200, 200, 200, 200, 200]
    full = [len(r.content) == int(r.headers["Content-Length"]) for r in first]
    print("complete bodies:", sum(full))
    #> complete bodies: 6
    print("connections opened:", lab_stats()["connections"])
    #> connections opened: 6
    print("discarded with a warning:", warnings())
    #> discarded with a warning: 4
    numbers = {r.headers["X-Lab-Connection"] for r in first}
    still_open = [n for n in numbers if not connection_closed(n, wait=0.1)]
    print("still open:", len(still_open))
    #> still open: 2

    # Three at once: the two kept connections are reused, one more is opened.
    second = burst("pooling-three", 3)  # <- then three
    reused = {r.headers["X-Lab-Connection"] for r in second} & numbers
    print("reused:", len(reused), "of", len(still_open))
    #> reused: 2 of 2
    print("connections opened:", lab_stats()["connections"])
    #> connections opened: 7
    print("discarded with a warning:", warnings())
    #> discarded with a warning: 5
