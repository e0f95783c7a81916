"""A Session per thread: a pool per thread, alive as long as its thread."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from lab import LAB_URL, connection_closed, lab_stats, reset_lab

THREADS = 4
per_thread = threading.local()


def thread_session() -> requests.Session:
    """This thread's own Session, made on its first call."""
    if not hasattr(per_thread, "session"):
        per_thread.session = requests.Session()  # <- one per thread
    return per_thread.session


def fetch(key: str) -> str:
    # The barrier holds each request until all THREADS are in flight at once.
    url = f"{LAB_URL}/barrier/{key}/{THREADS}"
    return thread_session().get(url, timeout=5).headers["X-Lab-Connection"]


reset_lab()
threads = ThreadPoolExecutor(max_workers=THREADS)
for round_ in range(3):
    numbers = list(threads.map(fetch, [f"per-thread-{round_}"] * THREADS))
print(lab_stats())
#> {'connections': 4, 'requests': 12}
print(len(set(numbers)), "connections, one per thread")
#> 4 connections, one per thread

# While the threads live, so do their Sessions and connections.
print(sum(connection_closed(number, wait=0.2) for number in numbers), "closed")
#> 0 closed
threads.shutdown()  # the threads end, and their Sessions are collected
print(sum(connection_closed(number) for number in numbers), "closed")
#> 4 closed
