"""requests.get() closes its Session; its socket lives on with the response."""

import requests

from lab import LAB_URL, connection_closed

response = requests.get(LAB_URL, timeout=5)  # <- its Session is closed
print("response kept:", connection_closed(response, wait=0.5))
#> response kept: False

number = response.headers["X-Lab-Connection"]
del response  # <- the last reference to the pool
print("response dropped:", connection_closed(number))
#> response dropped: True
