"""register_at_fork: a child closes its copy of the pools, and opens its own."""

import os

import requests

from lab import LAB_URL, in_a_fork, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    # Closing the child's copies closes its file descriptors only: the parent
    # still holds the sockets, so its connections stay open.
    os.register_at_fork(after_in_child=session.close)  # <- in every child
    first = session.get(LAB_URL, timeout=5).json()

    def where() -> str:
        facts = session.get(LAB_URL, timeout=5).json()
        same = facts["connection"] == first["connection"]
        return f"same connection: {same}, request {facts['request']} on it"

    print("child: ", in_a_fork(where))
    #> child:  same connection: False, request 1 on it
    print("parent:", where())
    #> parent: same connection: True, request 2 on it
print(lab_stats())
#> {'connections': 2, 'requests': 3}
