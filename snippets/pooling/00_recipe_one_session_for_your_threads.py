"""Recipe: one Session for a pool of threads, its pool sized to match."""

import os
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
THREADS = 8

with requests.Session() as session:
    # Set everything up before the threads start; change nothing after.
    adapter = HTTPAdapter(pool_maxsize=THREADS)  # an idle connection per thread
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def status_of(path):
        return session.get(BASE_URL + path, timeout=(3.05, 30)).status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(status_of, ["/"] * 40))

print(statuses.count(200), "of", len(statuses))
#> 40 of 40
