"""/stream/{n} sends n bytes with chunked transfer encoding."""

import requests

from lab import LAB_URL

url = f"{LAB_URL}/stream/10000?chunk=1000"  # <- 10000 bytes, in chunks of 1000
with (
    requests.Session() as session,
    session.get(url, stream=True, timeout=5) as response,
):
    print(response.headers["Transfer-Encoding"])
    #> chunked
    print(sum(len(piece) for piece in response.iter_content(chunk_size=None)))
    #> 10000
