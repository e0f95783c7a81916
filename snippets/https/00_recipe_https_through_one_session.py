"""Recipe: HTTPS through one Session: verified, one handshake per connection."""

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
# Your private CA's certificate (PEM), if the server's is signed by one;
# True: requests' default CAs (certifi), or REQUESTS_CA_BUNDLE if the
# environment sets it. Never turn verification off.
VERIFY = os.environ.get("CA_BUNDLE") or True

with requests.Session() as session:
    adapter = HTTPAdapter(max_retries=Retry(total=2))  # idempotent methods only
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    for _ in range(3):
        # verify= on each call: a Session's own verify loses to the
        # REQUESTS_CA_BUNDLE of the environment, if it has one.
        response = session.get(BASE_URL, verify=VERIFY, timeout=(3.05, 30))
        print(response.status_code)
        #> 200
        #> 200
        #> 200
