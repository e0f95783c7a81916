"""The request head requests sends: Connection: keep-alive, no Keep-Alive header."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    echoed = session.get(f"{LAB_URL}/echo", timeout=5).text

for line in echoed.splitlines():
    if not line.startswith("Host:"):  # it holds the lab's port, which varies
        print(line)
