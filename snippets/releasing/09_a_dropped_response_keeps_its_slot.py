"""An unread response that is merely dropped never gives its pool slot back."""

import gc

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, connection_closed

with requests.Session() as session:
    adapter = HTTPAdapter(pool_maxsize=1, pool_block=True)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.get(LAB_URL, timeout=5)  # creates the pool; its connection is idle
    # A look inside, for this demo only: the pool's queue holds a connection
    # (or an empty slot) for each request that may start without waiting.
    pools = session.get_adapter(LAB_URL).poolmanager.pools
    (key,) = pools.keys()
    pool = pools[key]
    print("requests that may start:", pool.pool.qsize())
    #> requests that may start: 1

    response = session.get(LAB_URL, stream=True, timeout=5)
    number = response.headers["X-Lab-Connection"]
    del response  # <- never read, never closed: just forgotten
    gc.collect()
    print("connection closed:", connection_closed(number))
    #> connection closed: True
    print("requests that may start:", pool.pool.qsize())
    #> requests that may start: 0
