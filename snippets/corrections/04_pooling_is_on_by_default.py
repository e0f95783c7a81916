"""Every Session comes with pooling adapters, sized by requests' defaults."""

import requests
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE

print("DEFAULT_POOLSIZE =", DEFAULT_POOLSIZE)
#> DEFAULT_POOLSIZE = 10
print("DEFAULT_POOLBLOCK =", DEFAULT_POOLBLOCK)
#> DEFAULT_POOLBLOCK = False

with requests.Session() as session:
    for prefix, adapter in session.adapters.items():
        pool_settings = adapter.poolmanager.connection_pool_kw
        print(prefix, type(adapter).__name__, pool_settings)
        #> https:// HTTPAdapter {'maxsize': 10, 'block': False}
        #> http:// HTTPAdapter {'maxsize': 10, 'block': False}
