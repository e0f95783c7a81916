"""urllib3's debug log names every new connection and every reconnect."""

import logging
from logging.handlers import BufferingHandler

import requests

from lab import LAB_URL

# Keep urllib3's log records in memory, to print the interesting ones below.
# To watch them live instead: logging.basicConfig(level=logging.DEBUG)
records = BufferingHandler(capacity=1000)
urllib3_log = logging.getLogger("urllib3")
urllib3_log.addHandler(records)
urllib3_log.setLevel(logging.DEBUG)  # <- urllib3 logs at DEBUG

with requests.Session() as session:
    session.get(LAB_URL, timeout=5)  # opens connection 1
    session.get(LAB_URL, timeout=5)  # <- reuses it: nothing logged
    session.get(f"{LAB_URL}/close", timeout=5)  # the lab says Connection: close
    session.get(LAB_URL, timeout=5)  # <- so urllib3 reconnects
    session.get(LAB_URL, stream=True, timeout=5).close()  # closed, body unread
    session.get(LAB_URL, timeout=5)  # so urllib3 reconnects again

for record in records.buffer:
    message = record.getMessage()
    if message.startswith(("Starting new", "Resetting dropped")):
        print(message.partition(": ")[0])  # cut "host:port": the port varies
        #> Starting new HTTP connection (1)
        #> Resetting dropped connection
        #> Resetting dropped connection
