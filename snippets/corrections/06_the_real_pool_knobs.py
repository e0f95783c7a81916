"""HTTPAdapter sizes the pool; pool_block=True makes pool_maxsize a hard cap."""

import inspect
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    adapter = HTTPAdapter(pool_maxsize=2, pool_block=True)  # <- a hard cap: two
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    def fetch(_):
        # The lab answers in pairs: two requests are always in flight at once.
        return session.get(f"{LAB_URL}/barrier/pairs/2", timeout=5).status_code

    with ThreadPoolExecutor(max_workers=6) as threads:
        print(list(threads.map(fetch, range(6))))
        #> [200, 200, 200, 200, 200, 200]

print("connections:", lab_stats()["connections"])
#> connections: 2

# requests passes no pool timeout, so a thread waiting for a connection gets
# urllib3's default: no limit at all.
urlopen = inspect.signature(HTTPConnectionPool.urlopen)
print(urlopen.parameters["pool_timeout"].default)  # <- the wait's limit
#> None
