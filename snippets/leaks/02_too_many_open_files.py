"""Keep the responses of requests.get() and each holds a socket: EMFILE."""

import re
import subprocess
import sys

from lab import LAB_URL

# The child keeps every response it gets, as a list of results or a cache
# would. Its limit on open files is lowered to 10 more than it has open.
CHILD = """
import os, resource, sys
import requests

open_files = len(os.listdir("/proc/self/fd")) - 1  # less the listing's own
_, hard_limit = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (open_files + 10, hard_limit))

session = requests.Session()
kept = []
try:
    for _ in range(100):
        kept.append({get}(sys.argv[1], timeout=5))
finally:
    print(len(kept), "responses kept")
"""


def run_child(get):
    """Run CHILD, sending each GET with `get`; the finished process."""
    return subprocess.run(
        [sys.executable, "-c", CHILD.format(get=get), LAB_URL],
        capture_output=True,
        text=True,
        timeout=60,
    )


leaky = run_child("requests.get")
print("exit status:", leaky.returncode, "|", leaky.stdout.strip())
#> exit status: 1 | 10 responses kept
error = leaky.stderr.splitlines()[-1]  # the last line of its traceback
print(error.partition(":")[0])
#> requests.exceptions.ConnectionError
reason = re.search(r"Failed to establish a new connection: [^\"']*", error)
print(reason[0])  # <-
#> Failed to establish a new connection: [Errno 24] Too many open files

fixed = run_child("session.get")
print("exit status:", fixed.returncode, "|", fixed.stdout.strip())  # <-
#> exit status: 0 | 100 responses kept
