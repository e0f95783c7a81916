"""The browser side of the site tests: tabs that record what they fetch.

The scripts the tests run inside pages live next to this file as .js files,
each commented; `script(name)` reads one. Each tab records its own requests,
its workers' included, so every request is the request of exactly one page.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request

SCRIPTS = Path(__file__).parent
# axe-core, pinned in package.json: the pages it checks get it (Tabs.open),
# and axe_check.js runs it.
AXE = SCRIPTS.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Like Playwright's "networkidle": the network counts as done once nothing has
# been in flight for this long. Waited once, for every open tab at the same time.
QUIET = 0.5  # seconds
# A safety net, not an expectation: how long a step may take before it counts
# as failed (a page that never loads, a search that never answers). Generous,
# so that a busy machine does not fail a test; the pass waits on all its tabs
# at once, so this is per phase (load, draw, check, settle), not per tab.
TIMEOUT_MS = 30_000
# How many renderer processes the tabs share: one per core, up to four. One
# renderer's main thread would do all the pass's work in turn, on one core,
# and be the last thing the suite waits for; more than one per core would only
# compile the same scripts more often.
RENDERERS = min(os.cpu_count() or 1, 4)


@functools.cache
def script(name: str) -> str:
    """The text of tests/browser/<name>.js."""
    return (SCRIPTS / f"{name}.js").read_text(encoding="utf-8")


class Tab:
    """One page of the site in a tab, and every request it made.

    Requests from the page's workers (the search index) count as the page's:
    Playwright reports them on the page, and the canary test checks that.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []  # uncaught exceptions in the page
        self.in_flight: set[Request] = set()
        self.last_activity = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _started(self, request: Request) -> None:
        self.requests.append(request.url)
        self.in_flight.add(request)
        self.last_activity = time.monotonic()

    def _ended(self, request: Request) -> None:
        self.in_flight.discard(request)
        self.last_activity = time.monotonic()

    def toggle_scheme(self) -> list[str]:
        """Click the colour scheme toggle; the scheme drawn before and after.

        A click of the mouse, as a reader's: the browser gives it to whatever
        is drawn at the toggle's middle (palette_toggle.js).
        """
        before = self.page.evaluate(script("drawn_scheme"))
        self.page.mouse.click(*self.page.evaluate(script("palette_toggle")))
        return [before, self.page.evaluate(script("drawn_scheme"))]


class Tabs(contextlib.ExitStack):
    """Tabs on the served site; leaving the `with` block closes every one."""

    def __init__(self, browser: Browser) -> None:
        super().__init__()
        self.browser = browser
        self.contexts: dict[tuple[str, int], BrowserContext] = {}
        self.opened: list[Tab] = []

    def open(self, url: str, *, scheme: str = "light", axe: bool = False) -> Tab:
        """Start loading `url` in a new tab and return at once.

        `scheme` is the colour scheme the reader's system prefers. Every tab's
        reader also asks for reduced motion, which Material honours by turning
        its transitions off: a switched scheme is drawn at once in its final
        colours, with no frames drawn for a fade. The tabs with the same
        scheme take turns over RENDERERS browser contexts: each
        context's tabs share one renderer process (--process-per-site, see
        tools/chromium.py), whose main thread does all their work in turn.
        With `axe`, the page gets axe-core before its own scripts run; it only
        defines `axe`, and fetches nothing.
        """
        key = (scheme, len(self.opened) % RENDERERS)
        if key not in self.contexts:
            context = self.browser.new_context(
                color_scheme=scheme, reduced_motion="reduce"
            )
            self.callback(context.close)
            context.set_default_timeout(TIMEOUT_MS)
            self.contexts[key] = context
        tab = Tab(self.contexts[key].new_page())
        self.opened.append(tab)
        if axe:
            if not AXE.is_file():
                raise FileNotFoundError(f"{AXE} is missing: run `make test` (npm ci)")
            tab.page.add_init_script(path=AXE)
        # Only until the server answers: the page loads while the next tab opens.
        tab.page.goto(url, wait_until="commit")
        return tab

    def settle(self) -> list[str]:
        """Watch every open tab until its network has been quiet for QUIET.

        The watch starts now, whatever came before, so a request that a page
        (or its worker) makes shortly after the last thing done to it is still
        recorded. Tabs stay open until the `with` block ends. Returns what is
        still in flight when TIMEOUT_MS runs out: nothing, normally.
        """
        quiet_since = time.monotonic()
        deadline = quiet_since + TIMEOUT_MS / 1000
        while True:
            in_flight = [
                request.url for tab in self.opened for request in tab.in_flight
            ]
            last = max([quiet_since, *(tab.last_activity for tab in self.opened)])
            quiet_for = time.monotonic() - last
            if (not in_flight and quiet_for >= QUIET) or time.monotonic() > deadline:
                return in_flight
            # Any tab's wait lets Playwright report every tab's requests meanwhile.
            self.opened[0].page.wait_for_timeout(1000 * max(QUIET - quiet_for, 0.05))


def ms_left(deadline: float) -> float:
    """Milliseconds until `deadline` (a time.monotonic() value); at least 1."""
    return max(1000 * (deadline - time.monotonic()), 1)


def begin(page: Page, name: str, argument: object = None) -> None:
    """Start tests/browser/<name>.js in the page, and return at once: the
    pages of the pass all work at the same time. outcome() waits for it."""
    page.evaluate(
        f"(argument) => {{ (window.__begun ??= {{}})[{name!r}] ="
        f" ({script(name)})(argument); }}",
        argument,
    )


def outcome(page: Page, name: str) -> Any:
    """What tests/browser/<name>.js, started by begin(), returned in the page."""
    return page.evaluate(f"() => window.__begun[{name!r}]")


def shown_elsewhere(looks: dict[str, list[str]]) -> dict[str, list[int]]:
    """For each page, the numbers of its looks that a page before it has.

    `looks` is what text_looks.js returned on each page, in order: each
    look of text on the page, once. axe_check.js skips an element with such a
    look in the rules that read colours.
    """
    shown: set[str] = set()
    elsewhere = {}
    for path, page_looks in looks.items():
        elsewhere[path] = [n for n, look in enumerate(page_looks) if look in shown]
        shown.update(page_looks)
    return elsewhere


# The most presses of the Tab key it may take to reach a control in the header.
TAB_PRESSES = 10


def press_tab_until(page: Page, kind: str) -> dict | None:
    """Press Tab until the focus is on a control of this `kind` (focused.js).

    What has the focus then, with how many presses it took; None if it never
    got there in TAB_PRESSES.
    """
    for presses in range(1, TAB_PRESSES + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(script("focused"))
        if focused["kind"] == kind:
            return {**focused, "presses": presses}
    return None


def walk_with_the_keyboard(tab: Tab, query: str) -> dict:
    """A reader with only a keyboard, from the top of the tab's page.

    The first Tab reaches the skip link, shown while it has the focus. More
    Tabs reach the palette toggle, where Enter switches the colour scheme, and
    the search field: there the reader types `query`, goes down to the first
    result, and opens it with Enter. On that page, Enter on the skip link jumps
    past the header and navigation: the next Tab lands in the content.
    What the reader met at each step, for tests/test_site.py to check.
    """
    page = tab.page
    page.bring_to_front()  # a key press goes to the tab in front
    seen: dict = {"first": None, "toggle": None, "search": None, "skip": None}
    page.keyboard.press("Tab")
    seen["first"] = page.evaluate(script("focused"))

    toggle = press_tab_until(page, "palette toggle")
    if toggle:
        before = page.evaluate(script("drawn_scheme"))
        page.keyboard.press("Enter")
        seen["toggle"] = {
            **toggle,
            "schemes": [before, page.evaluate(script("drawn_scheme"))],
        }

    search = press_tab_until(page, "search field")
    if search:
        # Material searches on each key released: one search, not one a key.
        page.keyboard.insert_text(query[:-1])
        page.keyboard.type(query[-1])
        page.locator(".md-search-result__item").first.wait_for()
        page.keyboard.press("ArrowDown")
        result = page.evaluate(script("focused"))
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        seen["search"] = {**search, "result": result, "opened": page.url}

        page.keyboard.press("Tab")
        skip = page.evaluate(script("focused"))
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        seen["skip"] = {
            **skip,
            "jumped_to": page.evaluate("() => location.hash"),
            "then": page.evaluate(script("focused")),
        }
    return seen
