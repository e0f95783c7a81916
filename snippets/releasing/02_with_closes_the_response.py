"""Leaving a with block closes the response: reused if read, else discarded."""

import requests

from lab import LAB_URL, connection_closed, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    with session.get(LAB_URL, stream=True, timeout=5) as response:
        body = response.content  # <- the whole body, read inside the block
    print("read, then closed:", connection_closed(response, wait=0.1))
    #> read, then closed: False

    with session.get(LAB_URL, stream=True, timeout=5) as response:
        status = response.status_code  # <- only the status line and headers
    print("unread, then closed:", connection_closed(response))
    #> unread, then closed: True

    session.get(LAB_URL, timeout=5)

print(lab_stats())
#> {'connections': 2, 'requests': 3}
