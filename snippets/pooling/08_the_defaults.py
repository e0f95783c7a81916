"""requests' pool defaults, and what the adapters of a new Session hold."""

import requests
from requests import adapters

print("DEFAULT_POOLSIZE =", adapters.DEFAULT_POOLSIZE)
#> DEFAULT_POOLSIZE = 10
print("DEFAULT_POOLBLOCK =", adapters.DEFAULT_POOLBLOCK)
#> DEFAULT_POOLBLOCK = False
print("DEFAULT_RETRIES =", adapters.DEFAULT_RETRIES)
#> DEFAULT_RETRIES = 0

with requests.Session() as session:
    http, https = session.adapters["http://"], session.adapters["https://"]
    print("one adapter for both schemes:", http is https)
    #> one adapter for both schemes: False
    # The three pool settings HTTPAdapter.__init__ received, as it saved them:
    print("pool_connections:", http._pool_connections)
    #> pool_connections: 10
    print("pool_maxsize:", http._pool_maxsize)
    #> pool_maxsize: 10
    print("pool_block:", http._pool_block)
    #> pool_block: False
    # What urllib3's PoolManager passes to every pool it creates:
    print(http.poolmanager.connection_pool_kw)
    #> {'maxsize': 10, 'block': False}
    print("retries:", http.max_retries.total)
    #> retries: 0
