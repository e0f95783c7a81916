"""The read timeout bounds the wait for the response once connected."""

import re

import requests

from lab import LAB_URL

with requests.Session() as session:
    try:
        # /delay/1 answers after a second: longer than the read timeout.
        session.get(f"{LAB_URL}/delay/1", timeout=(5, 0.2))  # <- read: 0.2 s
    except requests.ReadTimeout as error:
        limit = re.search(r"\(read timeout=[^)]*\)", str(error)).group()
        print(type(error).__name__, limit)
        #> ReadTimeout (read timeout=0.2)
