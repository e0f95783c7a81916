"""ResourceWarning: unclosed socket shows with -W; -X tracemalloc says where."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from lab import LAB_URL

# http.client, which urllib3 builds on, closes nothing when its connection
# is dropped: the socket is garbage-collected still open.
PROGRAM = """\
import http.client
import sys


def status(host):
    connection = http.client.HTTPConnection(host, timeout=5)
    connection.request("GET", "/")
    return connection.getresponse().status  # never closed


print(status(sys.argv[1]))
"""
# What changes from run to run: the socket's fd and ports, and the paths.
UNSTABLE = re.compile(r"(?<=<socket\.socket )[^>]*|/\S*/")


def run(*options):
    """Run PROGRAM with these options: its exit status and stderr's lines."""
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "forgets_to_close.py"
        program.write_text(PROGRAM)
        host = urlsplit(LAB_URL).netloc
        child = subprocess.run(
            [sys.executable, *options, program, host],
            capture_output=True,
            text=True,
            timeout=60,
        )
    stderr = [UNSTABLE.sub("…", line) for line in child.stderr.splitlines()]
    return child.returncode, stderr


status, stderr = run()
print(status, stderr)
#> 0 []

status, stderr = run("-W", "always::ResourceWarning")  # <-
print(status)
#> 0
print(stderr[0])
#> …socket.py:777: ResourceWarning: unclosed <socket.socket …>
print(stderr[-1])
#> ResourceWarning: Enable tracemalloc to get the object allocation traceback

status, stderr = run("-W", "error::ResourceWarning")
print(status)
#> 0
print(stderr[0])
#> Exception ignored in: <socket.socket …>
print(stderr[-1])
#> ResourceWarning: unclosed <socket.socket …>

status, stderr = run("-W", "always::ResourceWarning", "-X", "tracemalloc=9")
for line in stderr[2:7]:  # <- where the socket was opened
    print(line)
    #> Object allocated at (most recent call last):
    #>   File "…forgets_to_close.py", lineno 11
    #>     print(status(sys.argv[1]))
    #>   File "…forgets_to_close.py", lineno 7
    #>     connection.request("GET", "/")
