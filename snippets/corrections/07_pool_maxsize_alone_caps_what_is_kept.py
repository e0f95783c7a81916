"""Without pool_block, pool_maxsize caps connections kept, not those opened."""

import logging
from concurrent.futures import ThreadPoolExecutor
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, lab_stats, reset_lab

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)

reset_lab()
with requests.Session() as session:
    adapter = HTTPAdapter(pool_maxsize=2)  # <- pool_maxsize alone
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def fetch(_):
        # All six requests are in flight at once: the lab answers them together.
        response = session.get(f"{LAB_URL}/barrier/keep-two/6", timeout=5)
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as threads:
        print(list(threads.map(fetch, range(6))))
        #> [200, 200, 200, 200, 200, 200]

print("connections opened:", lab_stats()["connections"])
#> connections opened: 6
full = [r for r in log.buffer if "Connection pool is full" in r.getMessage()]
print("discarded with a warning:", len(full))
#> discarded with a warning: 4
