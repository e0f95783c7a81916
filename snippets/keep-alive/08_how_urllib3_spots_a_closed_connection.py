"""Before reuse, urllib3 polls a pooled socket: a closed one is dropped."""

import requests
from urllib3.util import is_connection_dropped

from lab import LAB_URL, connection_closed

with requests.Session() as session:
    response = session.get(f"{LAB_URL}/idle/0.2", timeout=5)
    # A look inside, for this demo only. One host, so one pool; pool.pool
    # holds its idle connections, and None for each free slot.
    pools = session.get_adapter(LAB_URL).poolmanager.pools
    (key,) = pools.keys()
    (conn,) = [conn for conn in pools[key].pool.queue if conn is not None]

    print("dropped while the lab keeps it:", is_connection_dropped(conn))  # <-
    #> dropped while the lab keeps it: False
    print("closed by the lab:", connection_closed(response))
    #> closed by the lab: True
    print("client's socket still open:", conn.sock is not None)
    #> client's socket still open: True
    print("dropped now:", is_connection_dropped(conn))  # <- urllib3's own check
    #> dropped now: True
