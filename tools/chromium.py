"""Debian's Chromium, driven by Playwright: never a downloaded browser.

The browser tests and the drawing of diagrams start `chromium()` from here:
Debian's chromium-headless-shell, the build of Chromium made for automation
(Playwright's own choice when it runs headless). It has no browser window
to keep up, and loads a page of this site with about a third less CPU than
the full browser on this machine. `make audit` runs Lighthouse in the full
browser, `CHROMIUM`, as a reader's would be.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The binary itself: /usr/bin/chromium-headless-shell is a shell script that
# starts it as a child, which stopping the script would leave behind.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
# Flags that work as root and offline; nothing in the background calls home.
# One renderer process per site in each browser context: the tabs of a context
# share the scripts they compile (the theme's, axe-core). tests/browser opens
# one context per core, so that the pass uses every core.
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


def missing(package: str) -> str:
    """What to do when Debian's `package` is not installed."""
    return (
        f"Debian's {package} is missing: `apt-get install {package}` "
        "(`make test` installs it, as root)"
    )


class NoChromium(RuntimeError):
    """Debian's chromium-headless-shell is not installed."""


@contextmanager
def chromium() -> Iterator["Browser"]:
    """Debian's Chromium headless shell, closed on exit."""
    if not Path(HEADLESS_SHELL).exists():
        raise NoChromium(missing("chromium-headless-shell"))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=HEADLESS_SHELL, args=FLAGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()
