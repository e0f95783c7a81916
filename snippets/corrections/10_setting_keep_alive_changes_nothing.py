"""Adding Connection: keep-alive by hand sends exactly the same bytes."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    plain = session.get(f"{LAB_URL}/echo", timeout=5)
    by_hand = session.get(  # <- the header, set by hand
        f"{LAB_URL}/echo", headers={"Connection": "keep-alive"}, timeout=5
    )

print(plain.text == by_hand.text)
#> True
