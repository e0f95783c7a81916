"""A read timeout in the body raises ConnectionError, not ReadTimeout."""

import requests

from lab import LAB_URL

# The head and a first chunk come at once, the next chunk 2 s later.
URL = f"{LAB_URL}/stream/20?chunk=10&delay=2"  # <- a 2 s stall mid-body

with requests.Session() as session:
    try:
        session.get(URL, timeout=(5, 0.8))  # <- reading the body times out
    except requests.RequestException as error:
        stalled = error

print(type(stalled).__name__)
#> ConnectionError
print("a ReadTimeout:", isinstance(stalled, requests.ReadTimeout))
#> a ReadTimeout: False
print("a Timeout:", isinstance(stalled, requests.Timeout))
#> a Timeout: False
print(type(stalled.args[0]).__name__)  # what urllib3 raised
#> ReadTimeoutError
