"""Retry covers the request and the response head, never the body."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    adapter = HTTPAdapter(max_retries=Retry(total=3, read=3))  # <- read retries
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # The head comes at once; the second half of the body 0.5 s later, after
    # the 0.2 s read timeout.
    url = f"{LAB_URL}/stream/20?chunk=10&delay=0.5"  # <- a stall mid-body
    try:
        session.get(url, timeout=(5, 0.2))
    except requests.RequestException as error:
        print(type(error).__name__)
        #> ConnectionError

print(lab_stats())  # one attempt: nothing was retried
#> {'connections': 1, 'requests': 1}
