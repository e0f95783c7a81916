"""read caps retries after dropped connections; total caps every kind."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab


def outcome(max_retries: Retry | int, path: str) -> str:
    reset_lab()  # also forgets the attempts at /flaky keys
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=max_retries)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            result = session.get(f"{LAB_URL}{path}", timeout=5).status_code
        except requests.ConnectionError as error:
            result = type(error).__name__
    return f"{result} (attempts: {lab_stats()['requests']})"


# /flaky/{key}/2?fail=fin drops the first two attempts unanswered (FIN).
print(outcome(Retry(total=None, read=1), "/flaky/fin/2?fail=fin"))  # <-
#> ConnectionError (attempts: 2)
print(outcome(Retry(total=None, read=2), "/flaky/fin/2?fail=fin"))
#> 200 (attempts: 3)
# A reset (RST) is a read error too.
print(outcome(Retry(total=None, read=2), "/flaky/rst/2?fail=rst"))
#> 200 (attempts: 3)
# total wins over a larger read.
print(outcome(Retry(total=1, read=5), "/flaky/fin/2?fail=fin"))  # <-
#> ConnectionError (attempts: 2)
# A plain number is Retry(total=n): it retries dropped reads as well.
print(HTTPAdapter(max_retries=3).max_retries)
#> Retry(total=3, connect=None, read=None, redirect=None, status=None)
print(outcome(3, "/flaky/fin/2?fail=fin"))  # <- a plain number retries reads
#> 200 (attempts: 3)
