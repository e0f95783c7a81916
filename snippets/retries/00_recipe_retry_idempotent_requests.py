"""Recipe: retry idempotent requests on dropped connections, 502, 503, 504."""

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service

retries = Retry(
    total=3,  # at most 3 retries in all, of every kind
    backoff_factor=0.5,  # no wait, then 1 s, then 2 s
    status_forcelist=[502, 503, 504],  # statuses worth another try
    retry_after_max=30,  # a server's Retry-After may ask for hours
)
adapter = HTTPAdapter(max_retries=retries)

with requests.Session() as session:
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    response = session.get(BASE_URL, timeout=(3.05, 30))
    print(response.status_code)
    #> 200
