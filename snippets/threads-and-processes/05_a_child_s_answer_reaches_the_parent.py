"""A forked child gives up on an answer; the parent's request receives it."""

import requests

from lab import LAB_URL, in_a_fork, reset_lab

reset_lab()
with requests.Session() as session:
    session.get(LAB_URL, timeout=5)  # a pooled connection, shared at the fork

    def give_up_waiting() -> str:
        """A worker whose answer comes too late for its read timeout."""
        try:
            # /after-next answers once the next request arrives: too late.
            session.get(f"{LAB_URL}/after-next", timeout=0.25)  # <- request 2
        except requests.ReadTimeout:
            return "ReadTimeout, left"
        return "answered in time"

    print("child: ", in_a_fork(give_up_waiting))
    #> child:  ReadTimeout, left
    # The parent asks for a 418, on the connection the child left behind.
    answer = session.get(f"{LAB_URL}/status/418", timeout=5)  # <- request 3
    print("parent: asked for 418, got", answer.status_code)
    #> parent: asked for 418, got 200
    print("it answers request", answer.json()["request"], "on the connection")
    #> it answers request 2 on the connection
