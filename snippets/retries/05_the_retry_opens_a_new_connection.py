"""A retry goes out on a new connection, even when others idle in the pool."""

from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    adapter = HTTPAdapter(max_retries=Retry(total=1))  # <- one retry
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def fetch(_):
        # The lab answers once both requests are in flight: two connections.
        return session.get(f"{LAB_URL}/barrier/busy/2", timeout=5)

    with ThreadPoolExecutor(max_workers=2) as threads:
        list(threads.map(fetch, range(2)))
    print(lab_stats())
    #> {'connections': 2, 'requests': 2}

    # Both idle in the pool now, and each would drop the next request it got.
    response = session.get(f"{LAB_URL}/fin/2", timeout=5)  # <- dropped, retried
    print(response.status_code, response.headers["X-Lab-Connection-Request"])
    #> 200 1

print(lab_stats())  # one attempt dropped, the retry on a third connection
#> {'connections': 3, 'requests': 4}
