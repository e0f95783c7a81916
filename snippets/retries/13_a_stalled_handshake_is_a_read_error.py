"""A stalled TLS handshake is a read error: connect= does not retry it."""

import logging
from logging.handlers import BufferingHandler

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import stall_url

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)
# Accepts the connection, then never answers the client's TLS hello.
URL = stall_url("https")


def retries(method: str, retry: Retry) -> str:
    """How many times urllib3 retried, and what requests raised at the end."""
    log.flush()
    with requests.Session() as session:
        session.mount("https://", HTTPAdapter(max_retries=retry))
        session.mount("http://", HTTPAdapter(max_retries=retry))
        try:
            session.request(method, URL, timeout=(0.2, 5))
        except requests.RequestException as error:
            raised = type(error).__name__
    retried = sum(r.getMessage().startswith("Retrying") for r in log.buffer)
    return f"{method}: {retried} retries, then {raised}"


print(retries("GET", Retry(total=None, connect=2, read=0)))  # <- connect only
#> GET: 0 retries, then ConnectionError
print(retries("GET", Retry(total=None, connect=0, read=2)))  # <- a read error
#> GET: 2 retries, then ConnectionError
print(retries("POST", Retry(total=None, connect=2, read=2)))  # <- never sent
#> POST: 0 retries, then ReadTimeout
