"""/flaky/{key}/{k} fails the first k attempts for a key, then succeeds."""

import requests

from lab import LAB_URL, reset_lab

reset_lab()  # forgets every key's attempts
with requests.Session() as session:
    for _ in range(4):
        response = session.get(f"{LAB_URL}/flaky/demo/2", timeout=5)  # <- k = 2
        print(response.headers["X-Lab-Attempt"], response.status_code)
        #> 1 503
        #> 2 503
        #> 3 200
        #> 4 200
