"""pool_maxsize below, at and above the threads that share a Session."""

import logging
from concurrent.futures import ThreadPoolExecutor
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, lab_stats, reset_lab

THREADS = 4
log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)


def three_rounds(pool_maxsize):
    """Three rounds of THREADS requests in flight at once, on one Session."""
    reset_lab()
    log.flush()
    with requests.Session() as session:
        adapter = HTTPAdapter(pool_maxsize=pool_maxsize)  # <- 3, 4, then 8
        session.mount("http://", adapter)
        session.mount("https://", adapter)

        def fetch(key):
            url = f"{LAB_URL}/barrier/{key}/{THREADS}"
            return session.get(url, timeout=5).status_code

        with ThreadPoolExecutor(max_workers=THREADS) as threads:
            for round_ in range(3):
                key = f"pooling-size-{pool_maxsize}-{round_}"
                list(threads.map(fetch, [key] * THREADS))
    full = sum("Connection pool is full" in r.getMessage() for r in log.buffer)
    return lab_stats(), full


for pool_maxsize in (THREADS - 1, THREADS, 2 * THREADS):  # <- below, at, above
    stats, full = three_rounds(pool_maxsize)
    print(f"pool_maxsize={pool_maxsize}:", stats, "warnings:", full)
    #> pool_maxsize=3: {'connections': 6, 'requests': 12} warnings: 3
    #> pool_maxsize=4: {'connections': 4, 'requests': 12} warnings: 0
    #> pool_maxsize=8: {'connections': 4, 'requests': 12} warnings: 0
