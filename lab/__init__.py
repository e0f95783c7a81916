"""The lab server of the keep-alive guide, and helpers for the guide's snippets.

    from lab import LAB_URL, reset_lab, lab_stats, connection_closed

LAB_ALIAS_URL is the same lab under its other loopback name (127.0.0.1 <->
localhost): one server, two hosts as far as a client's pools can tell.

LAB_HTTPS_URL serves the same routes over TLS, with a certificate for
127.0.0.1 and localhost issued by the lab's own CA. LAB_CA_BUNDLE is that CA's
certificate, a PEM file: trust it with ``verify=LAB_CA_BUNDLE``. Each of the
three is read from the environment variable of the same name, with a default
that ``python -m lab`` uses too.

Start the server with ``python -m lab``; ``python -m lab --routes`` lists its
routes, declared in lab.routes.
Run one snippet against a lab of its own with ``python -m lab.run <snippet>``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lab.client import (
        blackhole_url,
        connection_closed,
        in_a_fork,
        lab_stats,
        recipe,
        reset_lab,
        stall_url,
    )

__all__ = [
    "DEFAULT_CA_BUNDLE",
    "DEFAULT_HTTPS_URL",
    "DEFAULT_URL",
    "LAB_ALIAS_URL",
    "LAB_CA_BUNDLE",
    "LAB_HTTPS_URL",
    "LAB_URL",
    "blackhole_url",
    "connection_closed",
    "in_a_fork",
    "lab_stats",
    "recipe",
    "reset_lab",
    "stall_url",
]

DEFAULT_URL = "http://127.0.0.1:8765"
DEFAULT_HTTPS_URL = "https://127.0.0.1:8766"
# The user's own cache folder: a CA file in a folder that other users can
# write to (/tmp) could be swapped for theirs.
DEFAULT_CA_BUNDLE = "~/.cache/keep-alive-lab/ca.pem"
# The helpers of lab.client: the lower-case names in __all__.
_HELPERS = {name for name in __all__ if name.islower()}
_ALIASES = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}


def __getattr__(name: str) -> Any:
    # LAB_URL is read from the environment each time it is imported, not once
    # when this package is: a test harness may import lab first and set
    # LAB_URL later, for a lab started on a free port.
    if name == "LAB_URL":
        return os.environ.get("LAB_URL", DEFAULT_URL).rstrip("/")
    if name == "LAB_ALIAS_URL":
        return _alias(__getattr__("LAB_URL"))
    if name == "LAB_HTTPS_URL":
        return os.environ.get("LAB_HTTPS_URL", DEFAULT_HTTPS_URL).rstrip("/")
    if name == "LAB_CA_BUNDLE":
        return os.path.expanduser(os.environ.get("LAB_CA_BUNDLE") or DEFAULT_CA_BUNDLE)
    # The helpers need requests; loaded on first use, so that `python -m lab`
    # (the server) loads only the standard library, and trustme (lab.tls).
    if name in _HELPERS:
        from lab import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lab_environment(
    url: str, https_url: str | None = None, ca_bundle: object = None
) -> dict[str, str]:
    """The environment variables that point snippets at a running lab; the
    HTTPS ones only for a lab that serves HTTPS."""
    if https_url is None:
        return {"LAB_URL": url}
    return {"LAB_URL": url, "LAB_HTTPS_URL": https_url, "LAB_CA_BUNDLE": str(ca_bundle)}


def _alias(url: str) -> str:
    """The URL with its host swapped for the other loopback name."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.hostname not in _ALIASES:
        message = f"LAB_ALIAS_URL needs the lab on 127.0.0.1 or localhost, not {url}"
        raise RuntimeError(message)
    netloc = parts.netloc.replace(parts.hostname, _ALIASES[parts.hostname], 1)
    return parts._replace(netloc=netloc).geturl()


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
