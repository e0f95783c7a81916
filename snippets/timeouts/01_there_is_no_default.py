"""Requests sets no timeout by default: a silent server is waited on forever."""

import inspect

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL

# The timeout a call gets when it passes none: None, which means no limit.
print(inspect.signature(requests.Session.request).parameters["timeout"].default)
#> None
print(inspect.signature(HTTPAdapter.send).parameters["timeout"].default)  # <-
#> None

# /hang never answers. Without timeout= this call would never return.
with requests.Session() as session:
    try:
        session.get(f"{LAB_URL}/hang", timeout=0.2)  # <- gives up after 0.2 s
    except requests.Timeout as error:
        print(type(error).__name__)
        #> ReadTimeout
