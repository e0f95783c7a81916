"""Every Session comes with pooling adapters, sized by requests' defaults."""

import requests
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE

print("DEFAULT_POOLSIZE =", DEFAULT_POOLSIZE)
print("DEFAULT_POOLBLOCK =", DEFAULT_POOLBLOCK)

with requests.Session() as session:
    for prefix, adapter in session.adapters.items():
        print(prefix, type(adapter).__name__, adapter.poolmanager.connection_pool_kw)
