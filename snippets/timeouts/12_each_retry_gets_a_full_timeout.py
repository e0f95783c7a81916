"""With retries, every attempt waits the full timeout again."""

import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    # Two retries, no pause between attempts.
    retries = Retry(total=2, backoff_factor=0)  # <- three attempts
    adapter = HTTPAdapter(max_retries=retries)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    started = time.monotonic()
    try:
        session.get(f"{LAB_URL}/hang", timeout=(5, 0.1))  # <- 0.1 s per attempt
    except requests.RequestException as error:
        gave_up = error
    took = time.monotonic() - started

print("attempts:", lab_stats()["requests"])
#> attempts: 3
print("waited at least 3 read timeouts:", took >= 3 * 0.1)
#> waited at least 3 read timeouts: True
# Once retries run out, a read timeout surfaces as a ConnectionError.
print(type(gave_up).__name__)
#> ConnectionError
print("a Timeout:", isinstance(gave_up, requests.Timeout))
#> a Timeout: False
print("caused by:", type(gave_up.args[0].reason).__name__)
#> caused by: ReadTimeoutError
