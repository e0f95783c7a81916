"""Retry-After sets the wait before the retry, up to six hours by default."""

import requests
from urllib3.util import Retry

from lab import LAB_URL

with requests.Session() as session:
    busy = session.get(f"{LAB_URL}/status/503?retry_after=7", timeout=5)

print(busy.headers["Retry-After"])
#> 7
print(Retry().get_retry_after(busy.raw))  # <- seconds urllib3 would sleep
#> 7
print(Retry.DEFAULT_RETRY_AFTER_MAX)
#> 21600
print(Retry().parse_retry_after("86400"))  # <- a server asking for a day
#> 21600
print(Retry(retry_after_max=30).parse_retry_after("86400"))  # <- your cap
#> 30
