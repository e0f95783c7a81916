"""What requests sends: Connection: keep-alive, and no Keep-Alive header."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    echoed = session.get(f"{LAB_URL}/echo", timeout=5).text  # <- echoed back

for line in echoed.splitlines():
    if not line.startswith("Host:"):  # it holds the lab's port, which varies
        print(line)
        #> GET /echo HTTP/1.1
        #> User-Agent: python-requests/2.34.2
        #> Accept-Encoding: gzip, deflate
        #> Accept: */*
        #> Connection: keep-alive
