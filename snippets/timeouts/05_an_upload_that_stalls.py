"""An upload that stalls meets the connect timeout, as a ConnectionError."""

import time

import requests

from lab import stall_url

URL = stall_url()  # accepts the connection, then reads nothing
BODY = b"x" * (32 * 1024 * 1024)  # more than the kernel's buffers hold

with requests.Session() as session:
    started = time.monotonic()
    try:
        session.post(URL, data=BODY, timeout=(0.3, 5))  # <- connect: 0.3 s
    except requests.RequestException as error:
        stalled = error
    waited = time.monotonic() - started

print(type(stalled).__name__)
#> ConnectionError
print("a Timeout:", isinstance(stalled, requests.Timeout))
#> a Timeout: False
print(repr(stalled.args[0]))  # what urllib3 raised
#> ProtocolError('Connection aborted.', TimeoutError('timed out'))
print("at least the connect timeout, less than the read:", 0.3 <= waited < 5)
#> at least the connect timeout, less than the read: True
