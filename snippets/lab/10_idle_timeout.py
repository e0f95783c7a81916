"""/idle/{seconds}: the lab closes the connection once it idles that long."""

import requests

from lab import LAB_URL, connection_closed

with requests.Session() as session:
    response = session.get(f"{LAB_URL}/idle/0.2", timeout=5)  # <- idle 0.2 s
    print(connection_closed(response))  # <- waits until the lab has closed it
    #> True
    again = session.get(LAB_URL, timeout=5)  # urllib3 reconnects by itself
    print(again.headers["X-Lab-Connection-Request"])
    #> 1
