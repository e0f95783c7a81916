"""Recipe: an adapter that retires pooled connections by idle time and age."""

import logging
import os
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service
log = logging.getLogger(__name__)


class RetiringPool:
    """A pool that never hands out a connection idle for over `idle_expiry`
    seconds since it came back, or older than `max_age` seconds since its first
    answer came back: it closes it, and the request opens a new one."""

    idle_expiry: float | None = None
    max_age: float | None = None

    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        if conn.sock is not None and self._retires(conn):
            log.debug("Retiring an idle or old connection: %s", self.host)
            conn.close()  # <- so the request opens a new connection
        return conn

    def _put_conn(self, conn):
        # A connection comes back once its response is read, or closed.
        if conn is not None and conn.sock is not None:
            conn.back_at = time.monotonic()  # idle from now on
            if getattr(conn, "first_sock", None) is not conn.sock:
                conn.first_sock, conn.first_at = conn.sock, conn.back_at
        super()._put_conn(conn)

    def _retires(self, conn):
        now = time.monotonic()
        limits = [(now - conn.back_at, self.idle_expiry)]
        limits.append((now - conn.first_at, self.max_age))
        return any(limit is not None and age > limit for age, limit in limits)


class RetiringAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools are RetiringPools. None turns a limit off.
    Requests through a proxy go through pools it does not change."""

    __attrs__ = (*HTTPAdapter.__attrs__, "idle_expiry", "max_age")  # if pickled

    def __init__(self, *, idle_expiry=4.0, max_age=None, **kwargs):
        self.idle_expiry, self.max_age = idle_expiry, max_age
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        # A dict of our own: the PoolManager's default is shared module-wide.
        self.poolmanager.pool_classes_by_scheme = {
            "http": self._retiring(HTTPConnectionPool),
            "https": self._retiring(HTTPSConnectionPool),
        }

    def _retiring(self, pool_class):
        """The pool class with this adapter's limits as class attributes."""
        limits = {"idle_expiry": self.idle_expiry, "max_age": self.max_age}
        name = "Retiring" + pool_class.__name__
        return type(name, (RetiringPool, pool_class), limits)


if __name__ == "__main__":
    with requests.Session() as session:
        # Below the shortest idle timeout between you and the server.
        adapter = RetiringAdapter(idle_expiry=4.0, max_age=300.0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        print(session.get(BASE_URL, timeout=(3.05, 30)).status_code)
        #> 200
