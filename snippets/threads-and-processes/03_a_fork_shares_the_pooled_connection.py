"""After os.fork(), the child sends on the parent's pooled connection."""

import requests

from lab import LAB_URL, in_a_fork, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    first = session.get(LAB_URL, timeout=5).json()  # the parent's connection

    def where() -> str:
        """Which connection answered, compared with the parent's first one."""
        facts = session.get(LAB_URL, timeout=5).json()
        same = facts["connection"] == first["connection"]
        return f"same connection: {same}, request {facts['request']} on it"

    print("child: ", in_a_fork(where))  # <- the child uses the parent's pool
    #> child:  same connection: True, request 2 on it
    print("parent:", where())
    #> parent: same connection: True, request 3 on it
print(lab_stats())
#> {'connections': 1, 'requests': 3}
