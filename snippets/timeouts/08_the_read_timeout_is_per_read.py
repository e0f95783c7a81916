"""A read timeout limits each wait for data, not the whole download."""

import time

import requests
from urllib3.util import Timeout

from lab import LAB_URL

# 40 bytes in 4 chunks, 0.25 s apart: the body takes 0.75 s to arrive.
URL = f"{LAB_URL}/stream/40?chunk=10&delay=0.25"  # <- gaps of 0.25 s

with requests.Session() as session:
    for name, timeout in [
        ("(connect, read)", (5, 0.7)),  # <- requests' tuple
        ("Timeout(total=)", Timeout(total=0.7)),  # <- urllib3's, with a total
    ]:
        started = time.monotonic()
        size = len(session.get(URL, timeout=timeout).content)  # the whole body
        took_longer = time.monotonic() - started > 0.7
        print(f"{name}: {size} bytes, took longer than 0.7 s: {took_longer}")
        #> (connect, read): 40 bytes, took longer than 0.7 s: True
        #> Timeout(total=): 40 bytes, took longer than 0.7 s: True
