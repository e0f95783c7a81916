"""A Session retries nothing: the first dropped connection is an exception."""

import requests
from requests.adapters import DEFAULT_RETRIES

from lab import LAB_URL, lab_stats, reset_lab

print(DEFAULT_RETRIES)

reset_lab()  # also forgets earlier attempts at the lab's flaky endpoints
with requests.Session() as session:
    print(session.get_adapter(LAB_URL).max_retries)
    try:
        # The lab drops the connection, unanswered, on the first attempt only.
        session.get(f"{LAB_URL}/flaky/article/1?fail=fin", timeout=5)
    except requests.ConnectionError as error:
        print(error.args[0])

print("attempts:", lab_stats()["requests"])
