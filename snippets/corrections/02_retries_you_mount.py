"""Retries happen only when you mount an adapter that has them."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, reset_lab

# After a read error or an error status, only these methods are resent.
print(sorted(Retry.DEFAULT_ALLOWED_METHODS))
#> ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'TRACE']

reset_lab()  # forget earlier attempts at the lab's flaky endpoints
retries = Retry(total=2, status_forcelist=[503])  # <- retries you choose
with requests.Session() as session:
    session.mount("http://", HTTPAdapter(max_retries=retries))  # <- mounted
    session.mount("https://", HTTPAdapter(max_retries=retries))

    # Dropped unanswered on the first attempt, then answered.
    dropped = session.get(f"{LAB_URL}/flaky/dropped/1?fail=fin", timeout=5)
    print(dropped.status_code, "after", dropped.json()["attempt"], "attempts")
    #> 200 after 2 attempts

    # Answered 503 Service Unavailable on the first attempt, then 200.
    busy = session.get(f"{LAB_URL}/flaky/busy/1?status=503", timeout=5)
    print(busy.status_code, "after", busy.json()["attempt"], "attempts")
    #> 200 after 2 attempts
