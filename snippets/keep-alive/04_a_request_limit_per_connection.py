"""A server's request limit per connection costs new connections, no errors."""

import logging
import math
from logging.handlers import BufferingHandler

import requests

from lab import LAB_URL, lab_stats, reset_lab

log = BufferingHandler(capacity=100)  # keeps urllib3's log records, to count
urllib3_log = logging.getLogger("urllib3")
urllib3_log.setLevel(logging.DEBUG)

reset_lab()
urllib3_log.addHandler(log)  # after reset_lab(): count the Session's lines only
with requests.Session() as session:
    # The lab answers at most 3 requests per connection, then closes it.
    statuses = [  # <- ten requests, three per connection
        session.get(f"{LAB_URL}/max/3", timeout=5).status_code
        for _ in range(10)
    ]
urllib3_log.removeHandler(log)

print(statuses)
#> [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]
print(lab_stats(), "ceil(10 / 3) =", math.ceil(10 / 3))
#> {'connections': 4, 'requests': 10} ceil(10 / 3) = 4
for start in ("Starting new", "Resetting dropped"):
    count = sum(r.getMessage().startswith(start) for r in log.buffer)
    print(f"{start}: {count}")
    #> Starting new: 1
    #> Resetting dropped: 3
