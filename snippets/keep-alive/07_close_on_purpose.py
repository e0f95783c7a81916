"""Connection: close per request, or for a whole Session, and what it costs."""

import requests

from lab import LAB_URL, connection_closed, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    session.get(LAB_URL, timeout=5)
    # The last request before a long pause: ask the server to close after it.
    last = session.get(LAB_URL, headers={"Connection": "close"}, timeout=5)
    print("answer says Connection:", last.headers["Connection"])
    #> answer says Connection: close
    print("closed right away:", connection_closed(last, wait=1))
    #> closed right away: True
    session.get(LAB_URL, timeout=5)  # <- the next one needs a new connection
print("per request:", lab_stats())
#> per request: {'connections': 2, 'requests': 3}

reset_lab()
with requests.Session() as session:
    session.headers["Connection"] = "close"  # <- every request asks to close
    for _ in range(3):
        session.get(LAB_URL, timeout=5)
print("session-wide:", lab_stats())
#> session-wide: {'connections': 3, 'requests': 3}
