"""A closed Session's connections close once no response holds their pool."""

import requests

from lab import LAB_URL, connection_closed

with requests.Session() as session:
    number = session.get(LAB_URL, timeout=5).headers["X-Lab-Connection"]
print("no response kept:", connection_closed(number))
#> no response kept: True

with requests.Session() as session:
    kept = session.get(LAB_URL, timeout=5)  # <- a response you keep
print("a response kept:", connection_closed(kept, wait=0.5))
#> a response kept: False

number = kept.headers["X-Lab-Connection"]
del kept  # <- the last reference to the pool: its connections close now
print("the response dropped:", connection_closed(number))
#> the response dropped: True
