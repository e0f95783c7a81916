"""An HTTPAdapter whose requests wait at most POOL_TIMEOUT for a connection."""

import time

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

from lab import LAB_URL, lab_stats, reset_lab

POOL_TIMEOUT = 0.2  # seconds a request may wait for a free connection


class WaitAtMost:
    """Gives urlopen() a pool_timeout when the caller, requests, passes none."""

    def urlopen(self, method, url, *args, pool_timeout=None, **kwargs):
        if pool_timeout is None:
            pool_timeout = POOL_TIMEOUT  # <- the fallback
        return super().urlopen(
            method, url, *args, pool_timeout=pool_timeout, **kwargs
        )


class BoundedHTTPConnectionPool(WaitAtMost, HTTPConnectionPool):
    pass


class BoundedHTTPSConnectionPool(WaitAtMost, HTTPSConnectionPool):
    pass


class BoundedWaitAdapter(HTTPAdapter):
    """An HTTPAdapter whose PoolManager creates the pools above."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {  # <- a dict of your own
            "http": BoundedHTTPConnectionPool,
            "https": BoundedHTTPSConnectionPool,
        }


reset_lab()
with requests.Session() as session:
    adapter = BoundedWaitAdapter(pool_maxsize=1, pool_block=True)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # HTTPS pools are bounded too (creating a pool opens no connection):
    https_pool = adapter.poolmanager.connection_from_url("https://example.com")
    print(type(https_pool).__name__)
    #> BoundedHTTPSConnectionPool

    # The leak: streamed responses kept, their bodies never read.
    held, failures = [], []
    for _ in range(3):
        started = time.monotonic()
        try:
            held.append(session.get(LAB_URL, stream=True, timeout=5))
        except Exception as exc:
            failures.append((exc, time.monotonic() - started))

    print("responses held:", len(held), "failed:", len(failures))
    #> responses held: 1 failed: 2
    exc = failures[0][0]
    print(type(exc).__module__, type(exc).__name__)
    #> urllib3.exceptions EmptyPoolError
    print(str(exc).split(": ", 1)[1])
    #> Pool is empty and a new connection can't be opened due to blocking mode.
    print("a requests exception:", isinstance(exc, requests.RequestException))
    #> a requests exception: False
    waited = [seconds >= POOL_TIMEOUT for _, seconds in failures]
    print("each waited at least POOL_TIMEOUT:", waited)
    #> each waited at least POOL_TIMEOUT: [True, True]
    for response in held:
        response.close()

print(lab_stats())
#> {'connections': 1, 'requests': 1}
