"""Each requests.get() leaves a socket in TIME_WAIT; a Session leaves one."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import requests

from lab import LAB_URL, connection_closed

LAB_PORT = urlsplit(LAB_URL).port
TIME_WAIT = "06"  # the state column of /proc/net/tcp is in hex


def open_files():
    """How many file descriptors this process holds: a socket is one."""
    return len(os.listdir("/proc/self/fd"))


def time_wait(client_ports):
    """Our connections to the lab in TIME_WAIT: on our side, on the lab's."""
    ours = labs = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            _, local, remote, state = row.split()[:4]
            # An address is "HEXADDRESS:HEXPORT": the port is its last 4 digits.
            local_port, remote_port = int(local[-4:], 16), int(remote[-4:], 16)
            if state == TIME_WAIT and remote_port == LAB_PORT:
                ours += local_port in client_ports
            elif state == TIME_WAIT and local_port == LAB_PORT:
                labs += remote_port in client_ports
    return ours, labs


def send(get, path="/", times=20):
    """GET path `times` times; the client ports and connections the lab saw."""
    seen = [get(f"{LAB_URL}{path}", timeout=5).headers for _ in range(times)]
    ports = {int(headers["X-Lab-Client-Port"]) for headers in seen}
    return ports, {headers["X-Lab-Connection"] for headers in seen}


def counts(ports, connections, closed=True):
    """Connections, files held, TIME_WAIT on each side; once all closed."""
    if closed:  # wait until the lab has seen each connection close
        for number in connections:
            connection_closed(number)
    files = open_files() - files_before
    ours, labs = time_wait(ports)
    where = f"TIME_WAIT here {ours}, at the lab {labs}"
    return f"connections {len(connections)}, files {files:+d}, {where}"


files_before = open_files()
ports, connections = send(requests.get)  # each response is dropped at once
print("requests.get():", counts(ports, connections))  # <-
#> requests.get(): connections 20, files +0, TIME_WAIT here 20, at the lab 0

with requests.Session() as session:
    ports, connections = send(session.get)
    print("Session, open:", counts(ports, connections, closed=False))
    #> Session, open: connections 1, files +1, TIME_WAIT here 0, at the lab 0
print("Session, closed:", counts(ports, connections))  # <-
#> Session, closed: connections 1, files +0, TIME_WAIT here 1, at the lab 0

with requests.Session() as session:  # the lab closes it after 0.1 s idle
    ports, connections = send(session.get, "/idle/0.1", times=1)
    print("lab closed it:", counts(ports, connections))
    #> lab closed it: connections 1, files +1, TIME_WAIT here 0, at the lab 0
print("then the Session:", counts(ports, connections))  # <-
#> then the Session: connections 1, files +0, TIME_WAIT here 0, at the lab 1
