"""Your Connection: close does not stop reuse: only the answer's close does."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

ASK_TO_CLOSE = {"Connection": "close"}
QUIET_CLOSER = f"{LAB_URL}/close-unsaid"  # closes, and never says so


def close_then_next(retry: Retry) -> str:
    """Ask /close-unsaid to close, then send the next request on the Session."""
    reset_lab()
    with requests.Session() as session:
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        first = session.get(QUIET_CLOSER, headers=ASK_TO_CLOSE, timeout=5)
        said = first.headers.get("Connection", "nothing")
        try:
            status = session.get(LAB_URL, timeout=5).status_code  # <- reused
        except requests.ConnectionError as error:
            status = type(error).__name__
    connections = lab_stats()["connections"]
    return f"answer said {said}; next: {status}; connections: {connections}"


print(close_then_next(Retry(total=0, read=False)))  # requests' default
#> answer said nothing; next: ConnectionError; connections: 1
print(close_then_next(Retry(total=1)))  # <- a GET is sent again, on a new one
#> answer said nothing; next: 200; connections: 2
