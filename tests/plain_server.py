"""A plain HTTP/1.1 server that has never heard of the lab.

    python -m tests.plain_server --port 0

Recipes must run unchanged against any server. The suite runs each one here
too: the standard library's ThreadingHTTPServer, speaking HTTP/1.1 with
keep-alive. It answers any path with 200 and a small JSON body, chunked, and
gzipped when the client accepts it (GET, HEAD, POST, PUT, PATCH, DELETE and
OPTIONS; a bad Content-Length gets a 400). It sends no X-Lab-… header and has
none of the lab's routes. It runs in a process
of its own, started and stopped like the lab (lab.process).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1024 * 1024


class PlainHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; http.server defaults to 1.0
    disable_nagle_algorithm = True  # else each reused request waits ~40 ms
    timeout = 10  # an idle connection's thread ends after this

    def _answer(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY:
            self.send_error(400, f"Content-Length must be 0 to {MAX_BODY}")
            return
        self.rfile.read(int(length))
        body = json.dumps({"method": self.command, "path": self.path}).encode()
        # As many real services answer: chunked, and gzipped when the client
        # accepts it, so a recipe cannot count on a Content-Length.
        gzipped = "gzip" in (self.headers.get("Accept-Encoding") or "")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        if gzipped:
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if self.command != "HEAD":
            half = len(body) // 2
            for chunk in (body[:half], body[half:], b""):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer
    do_OPTIONS = _answer

    def log_message(self, *args: object) -> None:
        pass  # a line per request would bury a failure's output


class PlainServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that resets its connection is its own business; anything
        # else is a bug here, and its traceback goes to stderr as usual.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.plain_server",
        description="A plain HTTP/1.1 server on loopback, for the recipes' tests.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--quiet", action="store_true", help="(it is always quiet)")
    parser.add_argument("--no-https", action="store_true", help="(it never has any)")
    args = parser.parse_args(argv)
    try:
        server = PlainServer(("127.0.0.1", args.port), PlainHandler)
    except OSError as error:
        parser.exit(2, f"{parser.prog}: error: cannot listen: {error.strerror}\n")
    signal.signal(
        signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start()
    )
    url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Plain server listening on {url} (Ctrl+C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()
    print("Plain server stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
