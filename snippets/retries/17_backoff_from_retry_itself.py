"""The backoff before each retry, computed by Retry itself, capped at a max."""

from urllib3.exceptions import ProtocolError
from urllib3.util import Retry

print(Retry().backoff_factor)  # the default: no backoff at all
#> 0

retries = Retry(total=10, backoff_factor=0.5)
waits = []
for _ in range(10):  # ten errors in a row
    retries = retries.increment("GET", "/", error=ProtocolError("dropped"))
    waits.append(retries.get_backoff_time())  # what urllib3 sleeps next
print(waits)
#> [0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 120.0, 120.0]
print(Retry.DEFAULT_BACKOFF_MAX)
#> 120
