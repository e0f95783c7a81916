"""urllib3 looks the host up when it opens a connection, and only then."""

import socket
import time

import requests

from lab import LAB_ALIAS_URL, recipe

RECIPE = recipe("deployment/00_recipe_retire_old_connections.py")
RetiringAdapter = RECIPE.RetiringAdapter  # the recipe above, as it is
lookups = []
getaddrinfo = socket.getaddrinfo


def counted_getaddrinfo(host, *args, **kwargs):
    lookups.append(host)  # every name lookup in this process, counted
    return getaddrinfo(host, *args, **kwargs)


def lookups_for_three_requests(adapter) -> int:
    lookups.clear()
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for _ in range(3):
            session.get(LAB_ALIAS_URL, timeout=5)  # the lab, by a host name
            time.sleep(0.15)  # longer than max_age below
    return len(lookups)


socket.getaddrinfo = counted_getaddrinfo  # <- where urllib3 resolves names
try:
    print(lookups_for_three_requests(requests.adapters.HTTPAdapter()))
    #> 1
    print(lookups_for_three_requests(RetiringAdapter(max_age=0.1)))  # <- 3
    #> 3
finally:
    socket.getaddrinfo = getaddrinfo
