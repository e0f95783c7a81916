"""The short version: one Session, chosen retries, a timeout on every call."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL

# Retry idempotent requests on dropped connections and on these statuses.
retries = Retry(total=3, backoff_factor=0.5, status_forcelist=[502, 503, 504])
# Keep up to 10 idle connections per host: at least one per thread you run.
adapter = HTTPAdapter(pool_maxsize=10, max_retries=retries)

with requests.Session() as session:  # closed when the block ends
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    for _ in range(3):
        # (connect, read) timeouts in seconds. There is no default.
        response = session.get(LAB_URL, timeout=(3.05, 10))
        response.raise_for_status()
        print("request", response.headers["X-Lab-Connection-Request"])
        #> request 1
        #> request 2
        #> request 3
