"""Neither session.timeout nor socket.setdefaulttimeout() limits a request."""

import socket

import requests

from lab import LAB_URL

with requests.Session() as session:
    print("a Session has a timeout attribute:", hasattr(session, "timeout"))
    #> a Session has a timeout attribute: False
    session.timeout = 0.1  # <- a new attribute that nothing reads
    response = session.get(f"{LAB_URL}/delay/0.3")  # no timeout= on purpose
    print(response.status_code, "after 0.3 s, with session.timeout = 0.1")
    #> 200 after 0.3 s, with session.timeout = 0.1

socket.setdefaulttimeout(0.1)  # <- the default for new sockets, process-wide
try:
    with requests.Session() as session:
        response = session.get(f"{LAB_URL}/delay/0.3")
        print(response.status_code, "after 0.3 s, with a 0.1 s socket default")
        #> 200 after 0.3 s, with a 0.1 s socket default
finally:
    socket.setdefaulttimeout(None)
