"""/idle/{seconds} makes the lab close the connection once it sits idle that long."""

import requests

from lab import LAB_URL, wait_until_closed

with requests.Session() as session:
    response = session.get(f"{LAB_URL}/idle/0.2", timeout=5)
    print(wait_until_closed(response))  # the lab closed it after 0.2 s idle
    again = session.get(LAB_URL, timeout=5)  # urllib3 reconnects by itself
    print(again.headers["X-Lab-Connection-Request"])
