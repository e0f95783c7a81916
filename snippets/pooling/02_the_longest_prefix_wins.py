"""A URL goes to the adapter mounted on the longest prefix that matches it."""

import requests
from requests.adapters import HTTPAdapter

with requests.Session() as session:
    uploads = HTTPAdapter(pool_maxsize=2)
    api = HTTPAdapter(pool_maxsize=20)
    session.mount("https://api.example.com/v2/uploads/", uploads)
    session.mount("https://api.example.com/", api)

    # mount() keeps the prefixes longest first, whatever the order of the calls
    for prefix in session.adapters:
        print(prefix)
        #> https://api.example.com/v2/uploads/
        #> https://api.example.com/
        #> https://
        #> http://

    def goes_to(url):
        adapter = session.get_adapter(url)
        if adapter is uploads:
            return "uploads"
        return "api" if adapter is api else "a default adapter"

    print(goes_to("https://api.example.com/v2/uploads/7"))
    #> uploads
    print(goes_to("https://api.example.com/v2/users"))
    #> api
    print(goes_to("HTTPS://API.EXAMPLE.COM/v1/users"))
    #> api
    print(goes_to("http://api.example.com/v2/users"))
    #> a default adapter
    print(goes_to("https://www.example.com/"))
    #> a default adapter
