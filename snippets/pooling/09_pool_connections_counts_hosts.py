"""pool_connections counts the hosts whose pools an adapter keeps."""

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_ALIAS_URL, LAB_URL, lab_stats, reset_lab


def alternate(pool_connections):
    """Five rounds of one request to each of two hosts: the same lab."""
    reset_lab()
    with requests.Session() as session:
        adapter = HTTPAdapter(pool_connections=pool_connections)  # <- 1, then 2
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for _ in range(5):
            session.get(LAB_URL, timeout=5)
            session.get(LAB_ALIAS_URL, timeout=5)  # <- the other host, in turn
        pools = len(adapter.poolmanager.pools)
    return pools, lab_stats()["connections"]


for n in (1, 2):
    pools, connections = alternate(n)
    print(f"pool_connections={n}: {pools} pools, {connections} connections")
    #> pool_connections=1: 1 pools, 10 connections
    #> pool_connections=2: 2 pools, 2 connections
