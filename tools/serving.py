"""A built site served from a folder on a free loopback port, in a thread.

The browser tests (tests/site_pass.py) and `make audit`'s fallback server
(tools/audit.py) both serve the site this way; each passes its own handler.
"""

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # one line per file served would only bury a failure's output


@contextmanager
def served(site: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve `site` on a free loopback port with `handler`; its URL."""
    bound = functools.partial(handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
