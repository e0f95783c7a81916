"""A Session sends every request over the one connection it keeps open."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()  # start the lab's counters from zero
with requests.Session() as session:  # <- one Session, one pool
    for _ in range(5):
        session.get(LAB_URL, timeout=5)

print(lab_stats())
#> {'connections': 1, 'requests': 5}
