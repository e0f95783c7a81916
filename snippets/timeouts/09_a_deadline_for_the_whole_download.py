"""A deadline for the whole download: check the clock after every read."""

import time

import requests
import urllib3

from lab import LAB_URL, connection_closed


class DeadlineExceeded(requests.Timeout):
    """The response did not arrive in full before the deadline."""


def download(session, url, deadline, read_timeout=2):
    """The body of url, or DeadlineExceeded once deadline seconds are up."""
    give_up_at = time.monotonic() + deadline  # <- the clock starts first
    timeout = (3.05, read_timeout)
    with session.get(url, stream=True, timeout=timeout) as response:
        body = bytearray()
        try:
            # read1() returns what the next read from the socket brings, so
            # the clock is checked after each read, not after a full chunk.
            while data := response.raw.read1(65536, decode_content=True):  # <-
                body += data
                if time.monotonic() > give_up_at:  # <- after every read
                    message = f"not done after {deadline} s"
                    raise DeadlineExceeded(message, response=response)
        except urllib3.exceptions.HTTPError as error:
            # read1() is urllib3's: wrap its errors in a requests exception.
            raise requests.ConnectionError(error, response=response) from error
        return bytes(body)


with requests.Session() as session:
    # 50 bytes at once: well within the deadline.
    print(len(download(session, f"{LAB_URL}/stream/50?chunk=10", deadline=1)))
    #> 50
    # 50 bytes in chunks 0.15 s apart: each wait is short, the whole is not.
    slow = f"{LAB_URL}/stream/50?chunk=10&delay=0.15"
    try:
        download(session, slow, deadline=0.3)
    except DeadlineExceeded as error:
        print(type(error).__name__, error)
        #> DeadlineExceeded not done after 0.3 s
        # Leaving the with block closed the response and its connection.
        print("connection closed:", connection_closed(error.response))
        #> connection closed: True
    # A stall longer than the read timeout: urllib3's error, wrapped.
    stalled = f"{LAB_URL}/stream/20?chunk=10&delay=1"
    try:
        download(session, stalled, deadline=5, read_timeout=0.2)
    except requests.ConnectionError as error:
        print(type(error).__name__, "from", type(error.args[0]).__name__)
        #> ConnectionError from ReadTimeoutError
