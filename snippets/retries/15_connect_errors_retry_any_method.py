"""connect caps retries of refused connections, whatever the method."""

import logging
import socket
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)

# POST is not in the default allowed_methods: it does not matter here.
retries = Retry(total=None, connect=2)
with socket.socket() as closed_port, requests.Session() as session:
    closed_port.bind(("127.0.0.1", 0))  # bound, not listening: refused
    adapter = HTTPAdapter(max_retries=retries)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    port = closed_port.getsockname()[1]
    try:
        session.post(f"http://127.0.0.1:{port}/", data=b"order", timeout=5)
    except requests.ConnectionError as error:
        reason = error.args[0].reason

print(type(reason).__name__)
#> NewConnectionError
retried = [r for r in log.buffer if r.getMessage().startswith("Retrying")]
print("retries:", len(retried))
#> retries: 2
