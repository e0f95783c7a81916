"""content, text and json() read a streamed body to the end: it is released."""

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    for read in ("content", "text", "json"):  # <- each reads it all
        response = session.get(LAB_URL, stream=True, timeout=5)
        before = response.raw.connection is not None
        response.json() if read == "json" else getattr(response, read)  # <-
        after = response.raw.connection is not None
        print(f"{read}: held before {before}, after {after}")
        #> content: held before True, after False
        #> text: held before True, after False
        #> json: held before True, after False

print(lab_stats())
#> {'connections': 1, 'requests': 3}
