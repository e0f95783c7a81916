"""/fin/{n} and /rst/{n} drop the n-th request of a connection, unanswered."""

import requests

from lab import LAB_URL

for how in ["fin", "rst"]:
    with requests.Session() as session:
        print(session.get(f"{LAB_URL}/{how}/2", timeout=5).status_code)
        try:
            session.get(f"{LAB_URL}/{how}/2", timeout=5)
        except requests.ConnectionError as error:
            reason = error.args[0].args[1]  # what the socket reported
            print(how, type(reason).__name__)
