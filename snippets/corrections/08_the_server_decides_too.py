"""An HTTP/1.0 server closes after every response, so nothing can be reused."""

from http.server import BaseHTTPRequestHandler

import requests

from lab import LAB_URL, lab_stats, reset_lab

for path in ["/", "/http10"]:  # <- HTTP/1.1, then HTTP/1.0
    reset_lab()
    with requests.Session() as session:
        for _ in range(3):
            response = session.get(f"{LAB_URL}{path}", timeout=5)
    print(f"{path:<8} {response.raw.version / 10} {lab_stats()}")
    #> /        1.1 {'connections': 1, 'requests': 3}
    #> /http10  1.0 {'connections': 3, 'requests': 3}

# Python's own http.server answers as HTTP/1.0 unless a handler says otherwise.
print(BaseHTTPRequestHandler.protocol_version)  # <- http.server's default
#> HTTP/1.0
