"""A 503 with Retry-After is retried even when no status_forcelist names it."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

print(sorted(Retry.RETRY_AFTER_STATUS_CODES))
#> [413, 429, 503]


def outcome(retries: Retry, path: str) -> str:
    reset_lab()  # also forgets the attempts at /flaky keys
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=retries)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        response = session.get(f"{LAB_URL}{path}", timeout=5)
    return f"{response.status_code} (attempts: {lab_stats()['requests']})"


# 503 once, then 200. Retry-After: 0 asks for a retry without waiting.
print(outcome(Retry(total=3), "/flaky/a/1"))
#> 503 (attempts: 1)
print(outcome(Retry(total=3), "/flaky/b/1?retry_after=0"))  # <- retried anyway
#> 200 (attempts: 2)
print(outcome(Retry(total=3), "/flaky/c/1?retry_after=0&status=500"))
#> 500 (attempts: 1)
no_respect = Retry(total=3, respect_retry_after_header=False)
print(outcome(no_respect, "/flaky/d/1?retry_after=0"))
#> 503 (attempts: 1)
# Only while total is above zero: status= alone does not do it.
print(outcome(Retry(total=None, status=3), "/flaky/e/1?retry_after=0"))
#> 503 (attempts: 1)
# When the retries run out, you get the last 503: no exception is raised.
print(outcome(Retry(total=1), "/flaky/f/2?retry_after=0"))
#> 503 (attempts: 2)
