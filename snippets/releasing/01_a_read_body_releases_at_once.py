"""Without stream=True the body is read, and the connection back, at once."""

import requests

from lab import LAB_URL


def number(response):
    return response.headers["X-Lab-Connection"]


with requests.Session() as session:
    plain = session.get(LAB_URL, timeout=5)  # <- body read before it returns
    # urllib3's response keeps its connection until it has been released.
    print("plain: holds a connection:", plain.raw.connection is not None)
    #> plain: holds a connection: False

    streamed = session.get(LAB_URL, stream=True, timeout=5)  # <- body unread
    print("streamed: holds a connection:", streamed.raw.connection is not None)
    #> streamed: holds a connection: True
    print("streamed: reused plain's:", number(streamed) == number(plain))
    #> streamed: reused plain's: True

    while_held = session.get(LAB_URL, timeout=5)
    print("while held: reused it:", number(while_held) == number(streamed))
    #> while held: reused it: False
    streamed.close()
