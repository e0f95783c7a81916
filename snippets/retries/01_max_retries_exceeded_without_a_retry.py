"""A refused connection says "Max retries exceeded", yet nothing was retried."""

import logging
import socket
from logging.handlers import BufferingHandler

import requests

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
logging.getLogger("urllib3").addHandler(log)

# A port that is bound but not listening: connecting to it is refused at once.
with socket.socket() as closed_port, requests.Session() as session:
    closed_port.bind(("127.0.0.1", 0))
    port = closed_port.getsockname()[1]
    try:
        session.get(f"http://127.0.0.1:{port}/", timeout=5)
    except requests.ConnectionError as error:
        message = str(error)
        reason = error.args[0].reason  # what urllib3 saw

print("Max retries exceeded" in message)
#> True
print(type(reason).__name__)
#> NewConnectionError
print(str(reason).partition(": ")[2])  # cut "HTTPConnection(host=..., port=..)"
#> Failed to establish a new connection: [Errno 111] Connection refused
retried = [r for r in log.buffer if r.getMessage().startswith("Retrying")]
print("retries:", len(retried))
#> retries: 0
