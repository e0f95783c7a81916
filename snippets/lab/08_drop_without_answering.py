"""/fin/{n} and /rst/{n} drop the n-th request of a connection, unanswered."""

import requests

from lab import LAB_URL


def second_request_fails_with(how: str) -> str:
    with requests.Session() as session:
        session.get(f"{LAB_URL}/{how}/2", timeout=5)  # request 1 is answered
        try:
            session.get(f"{LAB_URL}/{how}/2", timeout=5)  # <- no answer
        except requests.ConnectionError as error:
            return type(error.args[0].args[1]).__name__  # what the socket said
    return "no error"


print("fin:", second_request_fails_with("fin"))
#> fin: RemoteDisconnected
print("rst:", second_request_fails_with("rst"))
#> rst: ConnectionResetError
