"""requests.get() opens a new connection for every call."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()  # start the lab's counters from zero
for _ in range(5):
    requests.get(LAB_URL, timeout=5)  # <- a throwaway Session each

print(lab_stats())
#> {'connections': 5, 'requests': 5}
