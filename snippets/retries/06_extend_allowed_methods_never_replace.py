"""Add POST to the default allowed_methods; a set of only POST stops GETs."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab


def outcome(allowed_methods: frozenset[str] | set[str], method: str) -> str:
    retries = Retry(total=3, allowed_methods=allowed_methods)
    reset_lab()  # also forgets the attempts at /flaky keys
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=retries)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        url = f"{LAB_URL}/flaky/drop/1?fail=fin"  # dropped once, then 200
        try:
            result = session.request(method, url, timeout=5).status_code
        except requests.ConnectionError as error:
            result = type(error).__name__
    return f"{method}: {result} (attempts: {lab_stats()['requests']})"


print(sorted(Retry.DEFAULT_ALLOWED_METHODS))  # the idempotent methods
#> ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'TRACE']
extended = Retry.DEFAULT_ALLOWED_METHODS | {"POST"}  # <- defaults plus POST
print(sorted(extended))
#> ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE']
for name, methods in [
    ("default", Retry.DEFAULT_ALLOWED_METHODS),
    ("replaced", {"POST"}),  # <- as in requests' own docs
    ("extended", extended),
]:
    print(f"{name:<9}", outcome(methods, "GET"), "|", outcome(methods, "POST"))
    #> default   GET: 200 (attempts: 2) | POST: ConnectionError (attempts: 1)
    #> replaced  GET: ConnectionError (attempts: 1) | POST: 200 (attempts: 2)
    #> extended  GET: 200 (attempts: 2) | POST: 200 (attempts: 2)
