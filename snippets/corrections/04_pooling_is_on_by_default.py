"""Every Session comes with pooling adapters, sized by requests' defaults."""

import requests
from requests.adapters import DEFAULT_POOL_TIMEOUT, DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE

print("DEFAULT_POOLSIZE =", DEFAULT_POOLSIZE)
#> DEFAULT_POOLSIZE = 10
print("DEFAULT_POOLBLOCK =", DEFAULT_POOLBLOCK)
#> DEFAULT_POOLBLOCK = False
print("DEFAULT_POOL_TIMEOUT =", DEFAULT_POOL_TIMEOUT)  # wait this long for a connection
#> DEFAULT_POOL_TIMEOUT = None

with requests.Session() as session:
    for prefix, adapter in session.adapters.items():
        print(prefix, type(adapter).__name__, adapter.poolmanager.connection_pool_kw)
        #> https:// HTTPAdapter {'maxsize': 10, 'block': False}
        #> http:// HTTPAdapter {'maxsize': 10, 'block': False}
