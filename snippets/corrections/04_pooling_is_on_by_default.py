"""Every Session comes with pooling adapters, sized by requests' defaults."""

import requests
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE

print("DEFAULT_POOLSIZE =", DEFAULT_POOLSIZE)
#> DEFAULT_POOLSIZE = 10
print("DEFAULT_POOLBLOCK =", DEFAULT_POOLBLOCK)
#> DEFAULT_POOLBLOCK = False

with requests.Session() as session:
    for prefix, adapter in session.adapters.items():
        print(prefix, type(adapter).__name__, adapter.poolmanager.connection_pool_kw)
        #> https:// HTTPAdapter {'maxsize': 10, 'block': False}
        #> http:// HTTPAdapter {'maxsize': 10, 'block': False}
