"""urllib3 makes a full handshake on every new connection; ssl can resume."""

import socket
import ssl
from urllib.parse import urlsplit

import requests

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL

# requests: each request on a connection of its own (Connection: close).
with requests.Session() as session:
    for _ in range(3):
        response = session.get(
            LAB_HTTPS_URL,
            headers={"Connection": "close"},  # <- a new connection each time
            verify=LAB_CA_BUNDLE,
            timeout=5,
        )
        print("requests:", response.headers["X-Lab-TLS-Session"])
        #> requests: new
        #> requests: new
        #> requests: new

# Python's ssl module can offer an earlier connection's session again.
HOST, PORT = urlsplit(LAB_HTTPS_URL).hostname, urlsplit(LAB_HTTPS_URL).port
REQUEST = b"GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n"
context = ssl.create_default_context(cafile=LAB_CA_BUNDLE)


def one_request(offered: ssl.SSLSession | None) -> tuple[str, ssl.SSLSession]:
    """The lab's X-Lab-TLS-Session for a connection that offers `offered`."""
    tcp = socket.create_connection((HOST, PORT), timeout=5)
    with context.wrap_socket(tcp, server_hostname=HOST, session=offered) as tls:
        tls.sendall(REQUEST)
        answer = b""
        while chunk := tls.recv(65536):  # to the end: the lab closes
            answer += chunk
        session = tls.session  # <- with TLS 1.3, its ticket came after
    head = answer.split(b"\r\n\r\n")[0].decode().split("\r\n")
    (line,) = [line for line in head if line.startswith("X-Lab-TLS-Session:")]
    return line.split(": ")[1], session


first, session = one_request(None)
again, _ = one_request(session)  # <- the first connection's session, offered
print("ssl:     ", first)
#> ssl:      new
print("ssl:     ", again)
#> ssl:      resumed
