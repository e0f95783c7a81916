"""/status/{code} answers with any status, and Retry-After if you ask for it."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    response = session.get(f"{LAB_URL}/status/503?retry_after=2", timeout=5)

print(response.status_code, response.reason)  # <- any status
#> 503 Service Unavailable
print("Retry-After:", response.headers["Retry-After"])  # <- as asked
#> Retry-After: 2
