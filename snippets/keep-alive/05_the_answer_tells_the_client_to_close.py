"""No reuse when the answer says Connection: close, or is an HTTP/1.0 answer."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

cases = [
    ("plain HTTP/1.1", "/", {}),
    ("server closes", "/close", {}),
    ("HTTP/1.0 server", "/http10", {}),
    ("client asks", "/", {"Connection": "close"}),
]
for label, path, headers in cases:
    reset_lab()
    with requests.Session() as session:
        for _ in range(3):
            url = f"{LAB_URL}{path}"
            response = session.get(url, headers=headers, timeout=5)
    version = f"HTTP/{response.raw.version / 10}"  # <- the answer's version
    connection = f"Connection: {response.headers.get('Connection')}"  # <-
    connections = lab_stats()["connections"]
    print(f"{label:<15} {version} {connection:<17} connections: {connections}")
    #> plain HTTP/1.1  HTTP/1.1 Connection: None  connections: 1
    #> server closes   HTTP/1.1 Connection: close connections: 3
    #> HTTP/1.0 server HTTP/1.0 Connection: None  connections: 3
    #> client asks     HTTP/1.1 Connection: close connections: 3
