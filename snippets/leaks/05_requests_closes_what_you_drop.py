"""requests' connections close when dropped: they never warn, nor leak."""

import gc
import warnings

import requests

from lab import LAB_URL, connection_closed

# Record every ResourceWarning, even those Python's filters ignore.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ResourceWarning)
    session = requests.Session()  # never closed
    streamed = session.get(LAB_URL, stream=True, timeout=5)  # never read
    held = streamed.headers["X-Lab-Connection"]
    pooled = session.get(LAB_URL, timeout=5).headers["X-Lab-Connection"]
    print("two connections:", pooled != held)
    #> two connections: True
    del session, streamed  # <- dropped, not closed
    gc.collect()

print("ResourceWarnings:", len(caught))  # <-
#> ResourceWarnings: 0
print("the pooled one closed:", connection_closed(pooled))
#> the pooled one closed: True
print("the streamed one closed:", connection_closed(held))
#> the streamed one closed: True
