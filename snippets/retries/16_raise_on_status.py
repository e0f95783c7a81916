"""Out of status retries: a RetryError, or the last response if you ask."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from lab import LAB_URL, lab_stats, reset_lab

print(Retry().raise_on_status)  # the default
#> True


def out_of_retries(raise_on_status: bool) -> str:
    retries = Retry(
        total=None,
        status=2,
        status_forcelist=[503],
        raise_on_status=raise_on_status,
    )
    reset_lab()  # also forgets the attempts at /flaky keys
    with requests.Session() as session:
        adapter = HTTPAdapter(max_retries=retries)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        url = f"{LAB_URL}/flaky/down/5"  # 503 five times: more than we retry
        try:
            result = session.get(url, timeout=5).status_code
        except requests.exceptions.RetryError as error:
            result = f"{type(error).__name__}: {error.args[0].reason}"
    return f"{result} (attempts: {lab_stats()['requests']})"


print(out_of_retries(raise_on_status=True))  # <- the default: raises
#> RetryError: too many 503 error responses (attempts: 3)
print(out_of_retries(raise_on_status=False))  # <- the last response
#> 503 (attempts: 3)
