"""ConnectTimeout is a ConnectionError and a Timeout; ReadTimeout is not."""

import requests

for error in (requests.ConnectTimeout, requests.ReadTimeout):
    for base in (requests.ConnectionError, requests.Timeout):
        is_one = issubclass(error, base)
        print(f"{error.__name__} is a {base.__name__}:", is_one)
        #> ConnectTimeout is a ConnectionError: True
        #> ConnectTimeout is a Timeout: True
        #> ReadTimeout is a ConnectionError: False
        #> ReadTimeout is a Timeout: True
