"""A single number is both the connect timeout and the read timeout."""

import re

import requests

from lab import LAB_URL, blackhole_url


def limit(error: Exception) -> str:
    """The part of an error message that names the timeout that fired."""
    return re.search(r"\((connect|read) timeout=[^)]*\)", str(error)).group()


errors = []
with requests.Session() as session:
    for url in (blackhole_url(), f"{LAB_URL}/hang"):
        try:
            session.get(url, timeout=0.25)  # <- both connect and read
        except requests.Timeout as error:
            errors.append(error)

for error in errors:
    print(type(error).__name__, limit(error))
    #> ConnectTimeout (connect timeout=0.25)
    #> ReadTimeout (read timeout=0.25)
