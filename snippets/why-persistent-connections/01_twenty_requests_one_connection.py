"""Twenty requests.get() calls open twenty connections; a Session, one."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()  # start the lab's counters from zero
for _ in range(20):
    requests.get(LAB_URL, timeout=5)  # <- a new connection each
fresh = lab_stats()["connections"]

reset_lab()
with requests.Session() as session:
    for _ in range(20):
        session.get(LAB_URL, timeout=5)  # <- the same connection
reused = lab_stats()["connections"]

# Each connection began with a TCP handshake: so many handshakes, too.
print(f"fresh connections: {fresh}, reused: {reused}")
#> fresh connections: 20, reused: 1
