"""The lab server of the keep-alive guide, and helpers for the guide's snippets.

    from lab import LAB_URL, reset_lab, lab_stats, connection_closed

Start the server with ``python -m lab``; see lab.server for its routes.
Run one snippet against a lab of its own with ``python -m lab.run <snippet>``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lab.client import connection_closed, lab_stats, reset_lab

__all__ = ["DEFAULT_URL", "LAB_URL", "connection_closed", "lab_stats", "reset_lab"]

DEFAULT_URL = "http://127.0.0.1:8765"
_HELPERS = {"lab_stats", "reset_lab", "connection_closed"}


def __getattr__(name: str) -> Any:
    # LAB_URL is read from the environment each time it is imported, not once
    # when this package is: a test harness may import lab first and set
    # LAB_URL later, for a lab started on a free port.
    if name == "LAB_URL":
        return os.environ.get("LAB_URL", DEFAULT_URL).rstrip("/")
    # The helpers need requests; loaded on first use, `python -m lab` (the
    # server) stays pure standard library.
    if name in _HELPERS:
        from lab import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
