"""Retry resends a GET dropped on a reused connection; a POST it does not."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab


def second_request(method: str) -> str:
    reset_lab()
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=Retry(total=1))  # <- one retry
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        url = f"{LAB_URL}/fin/2"  # request 2 of a connection is dropped
        session.request(method, url, timeout=5)  # request 1: answered
        try:
            response = session.request(method, url, timeout=5)  # request 2
        except requests.ConnectionError as error:
            cause = error.__context__.__context__  # what http.client raised
            return f"{type(error).__name__}, after {type(cause).__name__}"
    (earlier,) = response.raw.retries.history  # <- the one failed attempt
    # The retry is request 1 of its connection: a new one.
    request = response.headers["X-Lab-Connection-Request"]
    cause = type(earlier.error).__name__
    return f"{response.status_code}, request {request}, retried after {cause}"


print(second_request("GET"))
#> 200, request 1, retried after ProtocolError
print(lab_stats())
#> {'connections': 2, 'requests': 3}
print(second_request("POST"))
#> ConnectionError, after RemoteDisconnected
print(lab_stats())  # the lab received the dropped POST all the same
#> {'connections': 1, 'requests': 2}
