"""The lab reports which connection served each request, and its number."""

import requests

from lab import LAB_URL

connections = {}  # the lab's connection number -> 1, 2, ... in order seen
with requests.Session() as session:
    for path in ["/", "/", "/close", "/", "/"]:
        response = session.get(f"{LAB_URL}{path}", timeout=5)
        served_by = response.headers["X-Lab-Connection"]  # <- which connection
        connection = connections.setdefault(served_by, len(connections) + 1)
        number = response.headers["X-Lab-Connection-Request"]  # <- nth request
        print(f"{path:<6} connection {connection}, request {number}")
        #> /      connection 1, request 1
        #> /      connection 1, request 2
        #> /close connection 1, request 3
        #> /      connection 2, request 1
        #> /      connection 2, request 2
