"""A closed Session still works: the next request opens a new connection."""

import requests

from lab import LAB_URL

session = requests.Session()
before = session.get(LAB_URL, timeout=5)
session.close()  # <- empties the pool manager

after = session.get(LAB_URL, timeout=5)  # <- no error
print(before.headers["X-Lab-Connection"] == after.headers["X-Lab-Connection"])
#> False
print(after.headers["X-Lab-Connection-Request"])
#> 1
session.close()
