"""Without pool_block, unread streamed responses cost one connection each."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:  # <- the defaults: pool_block=False
    held = [session.get(LAB_URL, stream=True, timeout=5) for _ in range(12)]
    print(lab_stats())
    #> {'connections': 12, 'requests': 12}
    for response in held:
        response.close()
