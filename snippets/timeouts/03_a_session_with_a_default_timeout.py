"""A Session subclass that gives every request a timeout unless it has one."""

import requests

from lab import LAB_URL


class TimeoutSession(requests.Session):
    """A Session whose requests get `timeout` unless they set their own."""

    def __init__(self, timeout):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        # Only when the call passes no timeout at all: timeout=None still
        # means "wait forever", as it does in requests.
        kwargs.setdefault("timeout", self.default_timeout)  # <- if none passed
        return super().request(method, url, **kwargs)


with TimeoutSession(timeout=0.1) as session:
    try:
        session.get(f"{LAB_URL}/hang")  # <- no timeout= here
    except requests.Timeout as error:
        print("default:", type(error).__name__)
        #> default: ReadTimeout
    # A per-call timeout wins over the default.
    response = session.get(f"{LAB_URL}/delay/0.3", timeout=2)
    print("timeout=2:", response.status_code)
    #> timeout=2: 200
    response = session.get(f"{LAB_URL}/delay/0.3", timeout=None)
    print("timeout=None:", response.status_code)
    #> timeout=None: 200
