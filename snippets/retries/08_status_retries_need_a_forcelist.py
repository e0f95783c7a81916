"""An error status is retried only if it is in status_forcelist."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab


def outcome(retries: Retry, path: str, method: str = "GET") -> str:
    reset_lab()  # also forgets the attempts at /flaky keys
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=retries)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = session.request(method, f"{LAB_URL}{path}", timeout=5)
    return f"{response.status_code} (attempts: {lab_stats()['requests']})"


# /flaky/{key}/1 answers 503 once, then 200; ?status= picks another code.
print(outcome(Retry(total=3), "/flaky/busy/1"))  # <- not listed: not retried
#> 503 (attempts: 1)
print(outcome(Retry(total=3, status_forcelist=[503]), "/flaky/busy/1"))  # <-
#> 200 (attempts: 2)
print(outcome(Retry(total=3, status_forcelist=[503]), "/flaky/x/1?status=500"))
#> 500 (attempts: 1)
print(outcome(Retry(total=3, status_forcelist=[500]), "/flaky/x/1?status=500"))
#> 200 (attempts: 2)
# The method must be allowed too: POST is not, by default.
print(outcome(Retry(total=3, status_forcelist=[503]), "/flaky/busy/1", "POST"))
#> 503 (attempts: 1)
