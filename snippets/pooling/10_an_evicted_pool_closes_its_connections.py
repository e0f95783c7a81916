"""A pool evicted from the PoolManager closes its idle connections."""

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_ALIAS_URL, LAB_URL, connection_closed

with requests.Session() as session:
    adapter = HTTPAdapter(pool_connections=1)  # <- room for one pool
    session.mount("http://", adapter)
    session.mount("https://", adapter)

    first = session.get(LAB_URL, timeout=5).headers["X-Lab-Connection"]
    print("idle in its pool:", not connection_closed(first, wait=0.2))
    #> idle in its pool: True
    session.get(LAB_ALIAS_URL, timeout=5)  # <- evicts LAB_URL's pool
    print("closed once evicted:", connection_closed(first))
    #> closed once evicted: True

    # A response you keep holds its pool, and the pool its idle connection.
    kept = session.get(LAB_URL, timeout=5)
    session.get(LAB_ALIAS_URL, timeout=5)
    print("evicted, response kept:", connection_closed(kept, wait=0.2))
    #> evicted, response kept: False
    number = kept.headers["X-Lab-Connection"]
    del kept  # <- the last reference to the pool
    print("response dropped:", connection_closed(number))
    #> response dropped: True
