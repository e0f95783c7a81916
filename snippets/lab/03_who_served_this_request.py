"""Every lab response says which connection carried it, and its number there."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    first = session.get(LAB_URL, timeout=5)
    second = session.get(LAB_URL, timeout=5)  # <- request 2, same connection

print(sorted(second.json()))  # <- the same facts, as JSON
#> ['client_port', 'connection', 'request']
print(second.json()["request"], second.headers["X-Lab-Connection-Request"])
#> 2 2
print(first.json()["connection"] == second.json()["connection"])
#> True
