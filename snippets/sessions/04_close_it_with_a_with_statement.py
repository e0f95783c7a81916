"""Leaving the with-block closes the Session and every connection in its pool."""

import requests

from lab import LAB_URL, wait_until_closed

with requests.Session() as session:
    response = session.get(LAB_URL, timeout=5)

# Ask the lab whether it saw the client close that connection.
print(wait_until_closed(response))
