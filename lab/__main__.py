"""``python -m lab``: run the lab server on loopback until Ctrl+C or SIGTERM.

It serves HTTP on LAB_URL's port and HTTPS on LAB_HTTPS_URL's, and writes its
CA certificate to LAB_CA_BUNDLE; it prints all three. ``--rtt 50ms`` makes
every round trip take that long. ``python -m lab --routes`` lists what each
URL path does, and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import ipaddress
import math
import os
import sys
import textwrap
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import lab
import lab.routes  # registers every route on ROUTES
from lab import DEFAULT_CA_BUNDLE, DEFAULT_HTTPS_URL, DEFAULT_URL
from lab.delay import rtt_argument
from lab.registry import ROUTES
from lab.server import Config, ListenError, serve


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line and exit code 2, like every other startup error: no usage dump.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) <= 65535):
        message = f"expected a port from 0 to 65535, got {text!r}"
        raise argparse.ArgumentTypeError(message)
    return int(text)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        message = f"expected a positive number of seconds, got {text!r}"
        raise argparse.ArgumentTypeError(message)
    return value


def _positive_integer(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) > 0):
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _parse_lab_url(
    url: str, name: str = "LAB_URL", default: str = DEFAULT_URL
) -> tuple[str, int]:
    """Host and port from a LAB_URL such as http://127.0.0.1:8765."""
    scheme = urlsplit(default).scheme
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (
        parts is None
        or parts.scheme != scheme
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(f"{name}={url!r} is not a URL like {default}")
    return parts.hostname, {"http": 80, "https": 443}[scheme] if port is None else port


def _check_loopback(host: str) -> None:
    # The lab can be told to hold connections open, stall and stream 100 MiB:
    # fine for a reader's own machine, not for anything on a network.
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"refusing to listen on {host}: the lab only binds to loopback "
            "addresses (127.0.0.0/8, ::1, localhost)"
        )


def routes_text(width: int = 80) -> str:
    """Every route, its methods and the first sentence of what it does."""
    lines = []
    for heading, control in (("Routes", False), ("Control routes, not counted", True)):
        lines.append(f"{heading}:")
        for route in ROUTES:
            if route.control is control:
                methods = f"  [{route.allow}]" if route.allow else ""
                lines.append(f"  {route.usage}{methods}")
                indent = " " * 6
                lines += textwrap.wrap(
                    route.summary,
                    width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m lab",
        description="Run the lab: a local HTTP/1.1 server, with HTTPS, for the "
        "keep-alive guide.",
        # Wide enough for "--handshake-timeout S" and its help on one line.
        formatter_class=functools.partial(argparse.HelpFormatter, max_help_position=25),
    )
    defaults = Config()
    parser.add_argument("--host", help="a loopback address (default: from LAB_URL)")
    parser.add_argument(
        "--port", type=_port, help="0 picks a free port (default: from LAB_URL)"
    )
    parser.add_argument(
        "--tls-port",
        type=_port,
        metavar="PORT",
        help="the HTTPS port; 0 picks a free one (default: from LAB_HTTPS_URL)",
    )
    parser.add_argument(
        "--no-https",
        action="store_true",
        help="serve HTTP alone: no TLS port, no CA (starts faster)",
    )
    parser.add_argument(
        "--rtt",
        type=rtt_argument,
        default=0.0,
        metavar="T",
        help="emulate a round-trip time T such as 50ms or 0.05s: a new "
        "connection waits one, and every byte, each way, half of one (default: 0)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_positive_seconds,
        default=defaults.idle_timeout,
        metavar="S",
        help="close a connection idle for S seconds (default: %(default)g)",
    )
    parser.add_argument(
        "--header-timeout",
        type=_positive_seconds,
        default=defaults.header_timeout,
        metavar="S",
        help="408 unless a request head, from its first byte, "
        "arrives within S seconds (default: %(default)g)",
    )
    parser.add_argument(
        "--body-timeout",
        type=_positive_seconds,
        default=defaults.body_timeout,
        metavar="S",
        help="408 unless a request body arrives within S seconds "
        "(default: %(default)g)",
    )
    parser.add_argument(
        "--write-timeout",
        type=_positive_seconds,
        default=defaults.write_timeout,
        metavar="S",
        help="drop a client that reads nothing of its answer for S seconds "
        "(default: %(default)g)",
    )
    parser.add_argument(
        "--handshake-timeout",
        type=_positive_seconds,
        default=defaults.handshake_timeout,
        metavar="S",
        help="drop an HTTPS client whose TLS handshake is not done within S "
        "seconds of its connect (default: %(default)g)",
    )
    parser.add_argument(
        "--max-connections",
        type=_positive_integer,
        default=defaults.max_connections,
        metavar="N",
        help="503 to connections beyond N open ones (default: %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log on stderr")
    parser.add_argument(
        "--routes", action="store_true", help="list the URL paths and what each does"
    )
    parser.epilog = (
        f"LAB_URL (default: {DEFAULT_URL}) and LAB_HTTPS_URL (default: "
        f"{DEFAULT_HTTPS_URL}) set the default addresses. The lab writes its CA "
        f"certificate to LAB_CA_BUNDLE (default: {DEFAULT_CA_BUNDLE})."
    )
    args = parser.parse_args(argv)
    if args.routes:
        print(routes_text(), end="")
        return 0
    try:
        url_host, url_port = _parse_lab_url(os.environ.get("LAB_URL", DEFAULT_URL))
        https_url = os.environ.get("LAB_HTTPS_URL", DEFAULT_HTTPS_URL)
        https_host, https_port = _parse_lab_url(
            https_url, "LAB_HTTPS_URL", DEFAULT_HTTPS_URL
        )
        _check_loopback(https_host)  # its port is used; the host is LAB_URL's
        host = url_host if args.host is None else args.host
        port = url_port if args.port is None else args.port
        tls_port = https_port if args.tls_port is None else args.tls_port
        if args.no_https:
            tls_port = None
        elif port == tls_port != 0:
            raise ValueError(f"HTTP and HTTPS cannot share port {port}")
        _check_loopback(host)
    except ValueError as error:
        parser.error(str(error))
    config = Config(
        # "localhost" may resolve to both 127.0.0.1 and ::1; one socket is enough.
        host="127.0.0.1" if host == "localhost" else host,
        port=port,
        tls_port=tls_port,
        ca_bundle=Path(lab.LAB_CA_BUNDLE),
        idle_timeout=args.idle_timeout,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        write_timeout=args.write_timeout,
        handshake_timeout=args.handshake_timeout,
        max_connections=args.max_connections,
        rtt=args.rtt,
        quiet=args.quiet,
    )
    try:
        asyncio.run(serve(config))
    except ListenError as error:
        parser.error(str(error))
    except KeyboardInterrupt:  # Windows; elsewhere SIGINT stops the server cleanly
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
