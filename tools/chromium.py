"""Debian's Chromium, headless, driven by Playwright: never a downloaded browser.

The browser tests, the drawing of diagrams and `make audit` all start it from here.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that work as root and offline; nothing in the background calls home.
# One renderer process for all the tabs of a site: its pages then share the
# scripts they compile (the theme's, axe-core), which saves the browser test
# about a tenth of its CPU time.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--process-per-site",
]
MISSING = (
    "Debian's chromium is missing: `apt-get install chromium` "
    "(`make test` installs it, as root)"
)


class NoChromium(RuntimeError):
    """Debian's Chromium is not installed."""


@contextmanager
def chromium() -> Iterator["Browser"]:
    """Debian's Chromium, headless, closed on exit."""
    if not Path(CHROMIUM).exists():
        raise NoChromium(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=FLAGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()
