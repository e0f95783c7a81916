"""Recipe: the short version: one Session, your retries, a timeout per call."""

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service

# Retry idempotent requests on dropped connections and on these statuses.
retries = Retry(total=3, backoff_factor=0.5, status_forcelist=[502, 503, 504])
# Keep up to 10 idle connections per host: at least one per thread you run.
adapter = HTTPAdapter(pool_maxsize=10, max_retries=retries)

with requests.Session() as session:  # closed when the block ends
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    statuses = []
    for _ in range(3):  # three requests, one connection
        # (connect, read) timeouts in seconds. There is no default.
        response = session.get(BASE_URL, timeout=(3.05, 10))
        response.raise_for_status()
        statuses.append(response.status_code)
print(statuses)
#> [200, 200, 200]
