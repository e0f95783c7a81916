"""A connection goes back to the pool only once its response body is read."""

import requests

from lab import LAB_URL, lab_stats, reset_lab


def connections_for_three_requests(*, stream: bool) -> int:
    reset_lab()
    with requests.Session() as session:
        # stream=True returns as soon as the headers are in: the body is unread.
        responses = [  # <- three requests, none closed yet
            session.get(LAB_URL, stream=stream, timeout=5) for _ in range(3)
        ]
        connections = lab_stats()["connections"]
        for response in responses:
            response.close()
    return connections


print("bodies read:", connections_for_three_requests(stream=False))
#> bodies read: 1
print("bodies unread:", connections_for_three_requests(stream=True))
#> bodies unread: 3
