"""http.client sends no Connection header, and its connection is kept."""

import http.client
from urllib.parse import urlsplit

from lab import LAB_URL, lab_stats, reset_lab

lab = urlsplit(LAB_URL)
reset_lab()  # start the lab's counters from zero
connection = http.client.HTTPConnection(lab.hostname, lab.port, timeout=5)
try:
    # The lab's /echo answers with the request line and headers it received.
    connection.request("GET", "/echo")  # <- no Connection header
    echoed = connection.getresponse().read().decode().splitlines()
    for _ in range(2):
        connection.request("GET", "/")  # <- on the same connection
        connection.getresponse().read()  # read it all: the connection is free
finally:
    connection.close()

print(echoed[0])
#> GET /echo HTTP/1.1
print("headers sent:", [line.split(":")[0] for line in echoed[1:]])
#> headers sent: ['Host', 'Accept-Encoding']
print(lab_stats())
#> {'connections': 1, 'requests': 3}
