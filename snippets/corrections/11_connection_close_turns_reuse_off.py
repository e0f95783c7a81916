"""Connection: close is the one value that changes anything: it ends reuse."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    for _ in range(3):
        session.get(LAB_URL, headers={"Connection": "close"}, timeout=5)  # <-

print(lab_stats())
#> {'connections': 3, 'requests': 3}
