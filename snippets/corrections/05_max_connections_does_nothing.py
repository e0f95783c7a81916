"""session.max_connections caps nothing: six requests at once, six sockets."""

from concurrent.futures import ThreadPoolExecutor

import requests

from lab import LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    session.max_connections = 2  # <- the article's advice

    def fetch(_):
        # The lab answers only once all six requests have arrived, so all six
        # are in flight at the same time.
        response = session.get(f"{LAB_URL}/barrier/article/6", timeout=5)
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as threads:
        print(list(threads.map(fetch, range(6))))
        #> [200, 200, 200, 200, 200, 200]

print("connections:", lab_stats()["connections"])
#> connections: 6
