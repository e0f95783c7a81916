"""asyncio.to_thread sends from the loop's executor: size the pool to it."""

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, lab_stats, reset_lab

# The default executor has min(32, CPUs + 4) threads, as this checks.
cpus = getattr(os, "process_cpu_count", os.cpu_count)() or 1  # Python 3.13+
print(ThreadPoolExecutor()._max_workers == min(32, cpus + 4))
#> True
WORKERS = 16  # the default on a machine with 12 CPUs
log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)


async def a_burst(session: requests.Session, key: str) -> None:
    """WORKERS requests in flight at once, each in a thread of the executor."""
    executor = ThreadPoolExecutor(max_workers=WORKERS)
    asyncio.get_running_loop().set_default_executor(executor)  # <- to_thread's
    url = f"{LAB_URL}/barrier/{key}/{WORKERS}"
    get = session.get
    calls = [asyncio.to_thread(get, url, timeout=5) for _ in range(WORKERS)]
    await asyncio.gather(*calls)


for pool_maxsize in (10, WORKERS):  # requests' default, then the executor's
    reset_lab()
    log.flush()
    with requests.Session() as session:
        adapter = HTTPAdapter(pool_maxsize=pool_maxsize)  # <- one per thread
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        asyncio.run(a_burst(session, f"to-thread-{pool_maxsize}"))
        asyncio.run(a_burst(session, f"to-thread-{pool_maxsize}-again"))
    full = sum("Connection pool is full" in r.getMessage() for r in log.buffer)
    print(f"pool_maxsize={pool_maxsize}:", lab_stats(), "warnings:", full)
    #> pool_maxsize=10: {'connections': 22, 'requests': 32} warnings: 12
    #> pool_maxsize=16: {'connections': 16, 'requests': 32} warnings: 0
