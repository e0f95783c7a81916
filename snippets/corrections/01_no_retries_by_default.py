"""A Session retries nothing: the first dropped connection is an exception."""

import requests
from requests.adapters import DEFAULT_RETRIES

from lab import LAB_URL, lab_stats, reset_lab

print(DEFAULT_RETRIES)
#> 0

reset_lab()  # also forgets earlier attempts at the lab's flaky endpoints
with requests.Session() as session:
    print(session.get_adapter(LAB_URL).max_retries)  # <- the default adapter's
    #> Retry(total=0, connect=None, read=False, redirect=None, status=None)
    try:
        # The lab drops the connection, unanswered, on the first attempt only.
        session.get(f"{LAB_URL}/flaky/article/1?fail=fin", timeout=5)  # <-
    except requests.ConnectionError as error:
        print(repr(error.args[0].args[1]))  # what urllib3 saw, unretried
        #> RemoteDisconnected('Remote end closed connection without response')

print("attempts:", lab_stats()["requests"])
#> attempts: 1
