"""A server may announce its limits in a Keep-Alive header: timeout=, max=."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    # The lab closes this connection once it sits idle for 0.2 s, and says so.
    idle = session.get(f"{LAB_URL}/idle/0.2", timeout=5)  # <- idle limit: 0.2 s
    print("Keep-Alive:", idle.headers["Keep-Alive"])
    #> Keep-Alive: timeout=0.2

with requests.Session() as session:
    # The lab answers at most 3 requests on this connection, and counts down.
    for _ in range(3):
        response = session.get(f"{LAB_URL}/max/3", timeout=5)  # <- at most 3
        headers = response.headers
        print(
            f"request {headers['X-Lab-Connection-Request']}:",
            f"Keep-Alive: {headers.get('Keep-Alive')},",
            f"Connection: {headers.get('Connection')}",
        )
        #> request 1: Keep-Alive: timeout=30, max=2, Connection: None
        #> request 2: Keep-Alive: timeout=30, max=1, Connection: None
        #> request 3: Keep-Alive: None, Connection: close
