"""Closed just as it is reused, a pooled connection fails the request."""

import requests

from lab import LAB_URL, lab_stats, reset_lab


def chain(error: BaseException | None) -> str:
    """The exception, then each one it was raised while handling."""
    names = []
    while error is not None:
        names.append(type(error).__name__)
        error = error.__context__
    return " <- ".join(names)


def reuse_fails_with(how: str) -> BaseException | None:
    with requests.Session() as session:
        # /fin/2 and /rst/2 drop request 2 of a connection, unanswered.
        session.get(f"{LAB_URL}/{how}/2", timeout=5)  # request 1: answered
        try:
            session.get(f"{LAB_URL}/{how}/2", timeout=5)  # <- reused, dropped
        except requests.ConnectionError as error:
            return error
    return None


reset_lab()
fin = reuse_fails_with("fin")  # the server closed: FIN
print(chain(fin))
#> ConnectionError <- ProtocolError <- RemoteDisconnected
print(fin.__context__.__context__)  # what http.client said
#> Remote end closed connection without response
print(lab_stats())  # both requests went over one connection
#> {'connections': 1, 'requests': 2}

rst = reuse_fails_with("rst")  # the server reset: RST
print(chain(rst))
#> ConnectionError <- ProtocolError <- ConnectionResetError
print(rst.__context__.__context__)
#> [Errno 104] Connection reset by peer
