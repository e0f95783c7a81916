"""TCP keepalive, set on every pooled socket through the adapter's options."""

import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection

from lab import LAB_URL

# Linux names; macOS calls TCP_KEEPIDLE TCP_KEEPALIVE.
KEEPALIVE = [
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),  # send probes when idle
    (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60),  # first probe after 60 s
    (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 15),  # then one every 15 s
    (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 4),  # dead after 4 unanswered
]
# Keep urllib3's own defaults (TCP_NODELAY) and add ours.
OPTIONS = HTTPConnection.default_socket_options + KEEPALIVE  # <- plus ours


class KeepaliveAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, socket_options=OPTIONS, **kwargs)  # <-

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        # Requests builds another pool manager for each proxy: give it them too.
        proxy_kwargs.setdefault("socket_options", OPTIONS)  # <- proxies too
        return super().proxy_manager_for(proxy, **proxy_kwargs)


def read_back(adapter: HTTPAdapter) -> dict[str, int | bool]:
    """The options on the socket that carried a request."""
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # stream=True: the connection stays with the response, body unread.
        with session.get(LAB_URL, stream=True, timeout=5) as response:
            get = response.raw.connection.sock.getsockopt
            sol, tcp = socket.SOL_SOCKET, socket.IPPROTO_TCP
            return {
                "SO_KEEPALIVE on": get(sol, socket.SO_KEEPALIVE) != 0,
                "TCP_NODELAY on": get(tcp, socket.TCP_NODELAY) != 0,
                "TCP_KEEPIDLE": get(tcp, socket.TCP_KEEPIDLE),
                "TCP_KEEPINTVL": get(tcp, socket.TCP_KEEPINTVL),
                "TCP_KEEPCNT": get(tcp, socket.TCP_KEEPCNT),
            }


default = read_back(HTTPAdapter())
print("default adapter, SO_KEEPALIVE on:", default["SO_KEEPALIVE on"])
#> default adapter, SO_KEEPALIVE on: False
for option, value in read_back(KeepaliveAdapter()).items():
    print(f"{option}: {value}")
    #> SO_KEEPALIVE on: True
    #> TCP_NODELAY on: True
    #> TCP_KEEPIDLE: 60
    #> TCP_KEEPINTVL: 15
    #> TCP_KEEPCNT: 4

# A proxied request goes through a pool manager of its own: it has them too.
with requests.Session() as session:
    keepalive = KeepaliveAdapter()
    session.mount("http://", keepalive)
    session.mount("https://", keepalive)
    adapter = session.get_adapter(LAB_URL)
    proxied = adapter.proxy_manager_for("http://proxy.example:3128")
    print("socket_options" in proxied.connection_pool_kw)
    #> True
