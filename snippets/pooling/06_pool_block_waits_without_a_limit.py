"""With pool_block=True, a request waits for a connection with no time limit."""

import inspect
import threading
from pathlib import Path

import requests
from requests import adapters
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

from lab import LAB_URL

# requests defines a pool timeout, then never passes one to urllib3.
print("DEFAULT_POOL_TIMEOUT =", adapters.DEFAULT_POOL_TIMEOUT)
#> DEFAULT_POOL_TIMEOUT = None
package = Path(requests.__file__).parent
source = "".join(f.read_text("utf-8") for f in package.glob("*.py"))
print("DEFAULT_POOL_TIMEOUT in requests:", source.count("DEFAULT_POOL_TIMEOUT"))
#> DEFAULT_POOL_TIMEOUT in requests: 1
print("pool_timeout in requests:", source.count("pool_timeout"))
#> pool_timeout in requests: 0
urlopen = inspect.signature(HTTPConnectionPool.urlopen)
print("urllib3's default:", urlopen.parameters["pool_timeout"].default)
#> urllib3's default: None

with requests.Session() as session:
    adapter = HTTPAdapter(pool_maxsize=1, pool_block=True)  # <- blocks at one
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # An unread streamed response keeps the pool's one connection checked out.
    held = session.get(LAB_URL, stream=True, timeout=5)

    answers = []

    def fetch():
        # timeout= bounds the connect and each read, not the wait for the pool
        answers.append(session.get(LAB_URL, timeout=0.1).status_code)  # <-

    waiter = threading.Thread(target=fetch)
    waiter.start()
    waiter.join(timeout=0.5)
    print("still waiting after 5x its timeout:", waiter.is_alive())
    #> still waiting after 5x its timeout: True

    held.close()  # <- the connection goes back to the pool: the waiter takes it
    waiter.join()
    print("then answered:", answers)
    #> then answered: [200]
