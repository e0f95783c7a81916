"""Read or close every streamed response, and a pool of one serves them all."""

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_URL, lab_stats, reset_lab


def five_requests(finish):
    """Five streamed GETs through a pool of one connection, with pool_block."""
    reset_lab()
    with requests.Session() as session:
        adapter = HTTPAdapter(pool_maxsize=1, pool_block=True)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for _ in range(5):
            finish(session.get(LAB_URL, stream=True, timeout=5))
    return lab_stats()


def read_it(response):
    return response.content  # <- read it all


def iterate_in_a_with_block(response):
    with response:
        for _chunk in response.iter_content(chunk_size=64):  # <- chunk by chunk
            pass


def close_it_unread(response):
    response.close()  # <- costs a reconnect


for finish in (read_it, iterate_in_a_with_block, close_it_unread):
    print(f"{finish.__name__}:", five_requests(finish))
    #> read_it: {'connections': 1, 'requests': 5}
    #> iterate_in_a_with_block: {'connections': 1, 'requests': 5}
    #> close_it_unread: {'connections': 5, 'requests': 5}
