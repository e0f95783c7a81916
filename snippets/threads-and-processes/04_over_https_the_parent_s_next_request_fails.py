"""Over HTTPS, a child that uses its parent's connection breaks it."""

import requests

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL, in_a_fork, reset_lab


def status(session: requests.Session) -> str:
    try:
        response = session.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)
    except requests.ConnectionError as error:
        closed = "Remote end closed connection" in str(error)
        return f"{type(error).__name__}, the server closed it: {closed}"
    return str(response.status_code)


reset_lab()
with requests.Session() as session:
    print("parent:", status(session))  # a pooled TLS connection
    #> parent: 200
    print("child: ", in_a_fork(lambda: status(session)))  # <- the same socket
    #> child:  200
    print("parent:", status(session))  # <- its copy of the TLS state is stale
    #> parent: ConnectionError, the server closed it: True
