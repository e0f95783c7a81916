"""How many new connections a second hold every local port in TIME_WAIT."""

import errno
import os
from pathlib import Path

# TCP_TIMEWAIT_LEN in the kernel's include/net/tcp.h: a constant, no setting.
TIME_WAIT_SECONDS = 60

sysctl = Path("/proc/sys/net/ipv4")
first, last = map(int, (sysctl / "ip_local_port_range").read_text().split())
ports = last - first + 1
print(f"local ports: {first} to {last}, {ports} of them")  # <-
#> local ports: 32768 to 60999, 28232 of them
print("tcp_tw_reuse:", (sysctl / "tcp_tw_reuse").read_text().strip())
#> tcp_tw_reuse: 2

# Each connection that your side closes first keeps its port for 60 s.
rate = ports // TIME_WAIT_SECONDS + 1  # new connections a second, every second
print("new connections a second that take them all:", rate)  # <-
#> new connections a second that take them all: 471
error = f"[Errno {errno.EADDRNOTAVAIL}] {os.strerror(errno.EADDRNOTAVAIL)}"
print("and connect() fails with:", error)
#> and connect() fails with: [Errno 99] Cannot assign requested address
