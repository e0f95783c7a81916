"""Recipe: an adapter that retires pooled connections by idle time and age."""

import os
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service


class RetiringAdapter(HTTPAdapter):
    """Never sends on a connection idle for over `idle_expiry` seconds, or one
    older than `max_age` seconds (counted from its first answer): it opens a
    new one instead. None turns either limit off."""

    __attrs__ = (*HTTPAdapter.__attrs__, "idle_expiry", "max_age")  # if pickled

    def __init__(self, idle_expiry=4.0, max_age=None, **kwargs):
        self.idle_expiry, self.max_age = idle_expiry, max_age
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        # A dict of our own: the PoolManager's default is shared module-wide.
        self.poolmanager.pool_classes_by_scheme = {
            "http": self._retiring(HTTPConnectionPool),
            "https": self._retiring(HTTPSConnectionPool),
        }

    def retires(self, conn):
        """Whether a pooled connection has been idle, or alive, too long."""
        idle_for = time.monotonic() - conn.back_at
        alive_for = time.monotonic() - conn.first_at
        limits = [(idle_for, self.idle_expiry), (alive_for, self.max_age)]
        return any(limit is not None and age > limit for age, limit in limits)

    def _retiring(self, pool_class):
        adapter = self

        class RetiringPool(pool_class):
            def _get_conn(self, timeout=None):
                conn = super()._get_conn(timeout)
                if conn.sock is not None and adapter.retires(conn):
                    conn.close()  # <- so the request opens a new connection
                return conn

            def _put_conn(self, conn):
                if conn is not None and conn.sock is not None:
                    conn.back_at = time.monotonic()  # idle from now on
                    if getattr(conn, "first_sock", None) is not conn.sock:
                        conn.first_sock, conn.first_at = conn.sock, conn.back_at
                super()._put_conn(conn)

        return RetiringPool


if __name__ == "__main__":
    with requests.Session() as session:
        adapter = RetiringAdapter(idle_expiry=4.0, max_age=300.0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        print(session.get(BASE_URL, timeout=(3.05, 30)).status_code)
        #> 200
