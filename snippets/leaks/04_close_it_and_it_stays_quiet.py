"""Close the connection you open, and no ResourceWarning is raised."""

import gc
import http.client
import warnings
from contextlib import closing
from urllib.parse import urlsplit

from lab import LAB_URL

HOST = urlsplit(LAB_URL).netloc


def dropped():
    connection = http.client.HTTPConnection(HOST, timeout=5)
    connection.request("GET", "/")
    return connection.getresponse().status  # never closed


def closed():
    with closing(http.client.HTTPConnection(HOST, timeout=5)) as connection:
        connection.request("GET", "/")
        return connection.getresponse().status  # <- closed when the block ends


for status in (dropped, closed):
    # Record every ResourceWarning, even those Python's filters ignore.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        status()
        gc.collect()
    messages = [str(w.message).split(" fd=")[0] for w in caught]
    print(f"{status.__name__}: {messages}")
    #> dropped: ['unclosed <socket.socket']
    #> closed: []
