"""The article's last sample stops at a NameError, and sets no timeout."""

import inspect

import requests

ARTICLE_SAMPLE = (
    "response = session.get(url, headers={'Connection': 'keep-alive'})"
)

with requests.Session() as session:
    try:
        exec(ARTICLE_SAMPLE, {"session": session})
    except NameError as error:
        print(error)
        #> name 'url' is not defined

# Without timeout=, a request waits on a silent server for as long as it is.
print(inspect.signature(requests.Session.request).parameters["timeout"].default)
#> None
