"""Recipe: one function makes the Session your whole application shares."""

import os

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service


class DefaultTimeoutAdapter(HTTPAdapter):
    """An HTTPAdapter that gives every request a timeout unless it has one."""

    __attrs__ = (*HTTPAdapter.__attrs__, "timeout")  # kept if pickled

    def __init__(self, timeout, **kwargs):
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, *args, timeout=None, **kwargs):
        # Session.request passes timeout=None when a call gives none, so None
        # must mean "the default": an explicit None gets it too.
        timeout = self.timeout if timeout is None else timeout
        return super().send(request, *args, timeout=timeout, **kwargs)


def make_session(threads=10, timeout=(3.05, 30)):
    """A Session with retries, a pool sized to your threads, a timeout."""
    retries = Retry(
        total=3,  # at most 3 retries in all, of every kind
        backoff_factor=0.5,  # no wait, then 1 s, then 2 s
        status_forcelist=[502, 503, 504],
        retry_after_max=30,  # a server's Retry-After may ask for hours
    )
    adapter = DefaultTimeoutAdapter(
        timeout, pool_maxsize=threads, max_retries=retries
    )
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


with make_session(threads=4) as session:
    response = session.get(BASE_URL)  # timeout=(3.05, 30), from the adapter
    print(response.status_code)
    #> 200
