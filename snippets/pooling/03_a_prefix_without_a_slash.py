"""get_adapter() compares strings: without a slash, a prefix matches more."""

import requests
from requests.adapters import HTTPAdapter

with requests.Session() as session:
    loose = HTTPAdapter()
    session.mount("https://api.example.com", loose)
    for url in (
        "https://api.example.com/users",
        "https://api.example.com:8443/users",
        "https://api.example.community/users",
    ):
        print(session.get_adapter(url) is loose, url)
        #> True https://api.example.com/users
        #> True https://api.example.com:8443/users
        #> True https://api.example.community/users

with requests.Session() as session:
    strict = HTTPAdapter()
    session.mount("https://api.example.com/", strict)
    print(session.get_adapter("https://api.example.community/") is strict)
    #> False
