"""The shape of a snippet: its docstring says what it shows, in one line."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()  # if you print the counters: readers run snippets in any order
with requests.Session() as session:  # close what you open: leaks fail the test
    response = session.get(LAB_URL, timeout=5)  # <- the line that matters

# Print only what is stable: counts, booleans, headers. No ports, no times.
print(response.status_code)
#> 200
print(lab_stats())
#> {'connections': 1, 'requests': 1}
