"""HAProxy in front of the lab: the front hop closes the idle connection."""

import requests
from urllib3.util.wait import wait_for_read

from lab import LAB_URL, recipe
from servers.process import start
from servers.registry import SERVERS, Settings

RECIPE = recipe("deployment/00_recipe_retire_old_connections.py")
RetiringAdapter = RECIPE.RetiringAdapter  # the recipe above, as it is


def idle_between_two_requests(url: str, adapter, idle: float) -> str:
    """Two requests, `idle` s apart; less if HAProxy closes the connection."""
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # stream=True: its socket can be seen before it goes back to the pool.
        first = session.get(f"{url}/idle/10", stream=True, timeout=5)
        client_socket = first.raw.connection.sock
        _ = first.content  # read: the connection goes back to the pool, idle
        # True as soon as HAProxy's FIN arrives; False after `idle` s without.
        haproxy_closed = wait_for_read(client_socket, timeout=idle)  # <-
        second = session.get(f"{url}/idle/10", timeout=5)
    # HAProxy names the client's port: one port per client connection.
    ports = {answer.headers["X-Client-Port"] for answer in (first, second)}
    return (
        f"lab's {first.headers['Keep-Alive']}, "  # its Keep-Alive header
        f"HAProxy closed it: {haproxy_closed}, "
        f"client connections: {len(ports)}, {second.status_code}"
    )


# HAProxy closes a client's idle connection after 1 s; the lab, after 10 s.
haproxy = start(SERVERS["haproxy"], Settings(idle_timeout=1), backend=LAB_URL)
try:
    plain = requests.adapters.HTTPAdapter()
    # Up to 5 s, well before the lab's 10 s: the lab's timer cannot be why.
    print(idle_between_two_requests(haproxy.url, plain, idle=5))
    #> lab's timeout=10, HAProxy closed it: True, client connections: 2, 200
    retiring = RetiringAdapter(idle_expiry=0.2)  # <- below HAProxy's 1 s
    print(idle_between_two_requests(haproxy.url, retiring, idle=0.3))
    #> lab's timeout=10, HAProxy closed it: False, client connections: 2, 200
finally:
    haproxy.stop()
