"""Counters since the last reset; the control calls themselves never count."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()  # <- POST /reset: all to zero
print(lab_stats())
#> {'connections': 0, 'requests': 0}

with requests.Session() as session:
    session.get(LAB_URL, timeout=5)
    session.get(LAB_URL, timeout=5)
requests.get(LAB_URL, timeout=5)

print(lab_stats())  # <- the control calls never count
#> {'connections': 2, 'requests': 3}
