"""Recipe: a (connect, read) timeout on every call: there is no default."""

import os

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
TIMEOUT = (3.05, 30)  # seconds to connect, and for each wait for data

with requests.Session() as session:
    # With no retries mounted: too slow to connect or to answer raises
    # requests.Timeout; a stall once the body has begun, ConnectionError.
    response = session.get(BASE_URL, timeout=TIMEOUT)
    print(response.status_code)
    #> 200
