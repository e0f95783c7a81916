"""A reused connection keeps its local port; a new connection gets a new one."""

import requests

from lab import LAB_URL


def local_port(response: requests.Response) -> int:
    # Only a streamed response still holds its connection, and so its socket.
    return response.raw.connection.sock.getsockname()[1]  # <- its local port


def ports_of_three_requests(client) -> list[int]:
    ports = []
    for _ in range(3):
        with client.get(LAB_URL, stream=True, timeout=5) as response:  # <-
            ports.append(local_port(response))
            # The lab saw the same port from its side of the connection.
            assert int(response.headers["X-Lab-Client-Port"]) == ports[-1]
            response.content  # noqa: B018 - reading the body frees it
    return ports


with requests.Session() as session:
    print("Session:", len(set(ports_of_three_requests(session))), "local port")
    #> Session: 1 local port
fresh_ports = ports_of_three_requests(requests)
print("requests.get:", len(set(fresh_ports)), "local ports")
#> requests.get: 3 local ports
