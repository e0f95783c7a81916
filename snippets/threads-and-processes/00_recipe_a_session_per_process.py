"""Recipe: a Session per process, made on first use, never shared by a fork."""

import os
import threading

import requests
from requests.adapters import HTTPAdapter

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
THREADS = 8  # the threads that send from each process

_session: requests.Session | None = None
_lock = threading.Lock()


def session() -> requests.Session:
    """This process's Session: made by the first thread that asks for it."""
    global _session
    with _lock:
        if _session is None:
            made = requests.Session()
            adapter = HTTPAdapter(pool_maxsize=THREADS)
            made.mount("http://", adapter)
            made.mount("https://", adapter)
            _session = made  # only once it is ready
        return _session


def _forget_the_parents_session() -> None:
    """In a new child: the next call to session() makes the child's own."""
    global _session, _lock
    _session = None  # its sockets are the parent's: never send on them here
    _lock = threading.Lock()  # another thread may have held it at the fork


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_forget_the_parents_session)

if __name__ == "__main__":
    print(session().get(BASE_URL, timeout=(3.05, 30)).status_code)
    #> 200
    parents = session()
    child = os.fork()  # as gunicorn --preload and Celery's prefork pool do
    if child == 0:
        ok = False
        try:
            mine = session()
            ok = mine is not parents
            ok = ok and mine.get(BASE_URL, timeout=(3.05, 30)).ok
        finally:
            os._exit(0 if ok else 1)  # a child never runs on past its work
    _, status = os.waitpid(child, 0)
    print("the child sent on a Session of its own:", status == 0)
    #> the child sent on a Session of its own: True
