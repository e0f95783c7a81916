"""Recipe: the short version: one Session, your retries, a timeout per call."""

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service

# Retry idempotent requests after a dropped connection, a read timeout, or
# one of these statuses.
retries = Retry(total=3, backoff_factor=0.5, status_forcelist=[502, 503, 504])
# Keep up to 10 idle connections per host: at least one per thread you run.
adapter = HTTPAdapter(pool_maxsize=10, max_retries=retries)

with requests.Session() as session:  # closed when the block ends
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    statuses = []
    for _ in range(3):  # one connection, if the server keeps it open
        # (connect, read) timeouts in seconds. There is no default.
        response = session.get(BASE_URL, timeout=(3.05, 30))
        response.raise_for_status()
        statuses.append(response.status_code)
print(statuses)
#> [200, 200, 200]
