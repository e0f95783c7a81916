"""The built site, and one pass of a browser over it: each once per test run.

Both take longer than anything else in the suite, so `started_early` can run
them in a process of their own as the session starts (tests/conftest.py does
when the run has a test that needs them). The tests' fixtures ask `built_site`
and `browser_pass` all the same: they get the saved result, wait for it, or
compute it, and report any error.

The pass loads every page in Debian's Chromium (never a downloaded browser),
all at the same time, each in a tab of its own; see `visit_the_site`.
"""

import fcntl
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    POLL_MS,
    QUIET,
    TIMEOUT_MS,
    Tab,
    Tabs,
    ms_left,
    script,
    search_results,
    type_search,
)
from tests.docs_tree import DOCS, ROOT, diagrams, nav_pages, pages

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for this test run: shared by its xdist workers, if any."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # this run's folder, above each worker's own
    return root


def once_per_run(
    root: Path, name: str, compute: Callable[[Path], Any]
) -> tuple[Any, Path]:
    """`compute(folder)` once per test run, and its result: anything JSON can hold.

    With xdist, every worker is a process with its own session fixtures. The
    first process to get here computes, in a folder under the run's `root`;
    the others wait for the lock, then read what it saved.
    """
    folder, saved = root / name, root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not saved.exists():
            folder.mkdir(exist_ok=True)  # a process that failed may have left it
            # Written whole or not at all, even by a process that is killed.
            partial = root / f"{name}.json.partial"
            partial.write_text(json.dumps(compute(folder)), encoding="utf-8")
            partial.replace(saved)
        return json.loads(saved.read_text(encoding="utf-8")), folder


def strict_build(site: Path) -> dict[str, Any]:
    """`mkdocs build --strict` into `site`: its exit status and what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return {"returncode": result.returncode, "stderr": result.stderr}


def built_site(root: Path) -> tuple[dict[str, Any], Path]:
    """The strict build's result, and the folder it built the site in."""
    return once_per_run(root, "site", strict_build)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # one line per file served would only bury a failure's output


@contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve the built site on a free loopback port; its URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium():
    """Debian's Chromium, headless, closed on exit."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "the browser test needs Debian's chromium: `make test` installs it "
            "(as root), or run `apt-get install chromium`",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


def built_pages(site: Path) -> list[str]:
    pages = [
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("index.html")
    ]
    return sorted([*pages, "404.html"])


def url_of(page: Path) -> str:
    """A page's path on the site: docs/a.md is a/, docs/index.md the root."""
    relative = page.relative_to(DOCS).with_suffix("")
    if relative.name == "index":
        relative = relative.parent
    return "" if relative == Path() else f"{relative.as_posix()}/"


def title_of(page: Path) -> str:
    """What a reader would type to find a page: its own heading."""
    lines = page.read_text(encoding="utf-8").splitlines()
    return next(line[2:] for line in lines if line.startswith("# "))


# The diagrams: ```mermaid blocks, drawn by the site's own copy of mermaid.

# Each page with a diagram, and the diagram snippets it includes.
DIAGRAM_PAGES = {page: diagrams(page) for page in pages() if diagrams(page)}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme: Material's

# The canary's requests, made after everything else. Another host on loopback:
# refused at once, and nothing leaves this machine.
LATE_FROM_THE_PAGE = "http://127.0.0.2:9/from-the-page"
LATE_FROM_THE_WORKER = "http://127.0.0.2:9/from-the-worker"


def what_was_drawn(tab: Tab, expected: int, deadline: float) -> dict[str, Any]:
    """What the browser drew on a diagram page (tests/browser/inspect_diagrams.js)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    # On failure, the tests report what was drawn and what went wrong.
    with suppress(PlaywrightTimeoutError):
        tab.page.wait_for_function(
            script("diagrams_drawn"),
            arg=expected,
            polling=POLL_MS,
            timeout=ms_left(deadline),
        )
    tab.page.evaluate(script("show_every_diagram"))
    return tab.page.evaluate(script("inspect_diagrams"))


def visit_the_site(site: Path) -> dict[str, Any]:
    """One pass of the browser over the whole site: what tests/test_site.py checks.

    Every page loads at the same time, each in a tab of its own, and stays open
    until the network of every tab has settled; only then are requests read.
    """
    with (
        served(site) as site_url,
        chromium() as browser,
        Tabs(browser, site_url) as tabs,
    ):
        # A reader who chose no scheme gets the one their system prefers: light.
        readers = {path: tabs.open(path) for path in built_pages(site)}
        # The diagram pages once more, for a system that prefers the dark scheme.
        dark = {
            source: tabs.open(url_of(source), scheme="dark") for source in DIAGRAM_PAGES
        }
        # The canary's page: the cheapest one with Material's search worker.
        canary = tabs.open("404.html")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        for tab in tabs.opened:
            tab.page.wait_for_load_state("load", timeout=ms_left(deadline))

        # Each diagram in each scheme, before any toggle: see inspect_diagrams.js.
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        drawings = [
            {
                "page": source.relative_to(ROOT).as_posix(),
                "prefers": scheme,
                **what_was_drawn(tab, len(DIAGRAM_PAGES[source]), deadline),
                "tab": tab,
            }
            for source in DIAGRAM_PAGES
            for scheme, tab in [
                ("light", readers[url_of(source)]),
                ("dark", dark[source]),
            ]
        ]

        # On every page, the other scheme (the toggle must not fetch anything
        # either); then every page in the nav searches for its own title. The
        # searches run while the next tabs toggle; their results are read after.
        titles = {url_of(page): title_of(page) for page in nav_pages()}
        schemes = {}
        for path, tab in readers.items():
            schemes[path] = tab.toggle_scheme()
            if path in titles:
                type_search(tab.page, titles[path])
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        found = {path: search_results(readers[path].page, deadline) for path in titles}

        # The canary: requests from a page and from its worker, made late:
        # half the quiet window after the last thing done to any tab.
        (search_worker,) = canary.page.workers
        later_ms = QUIET * 1000 / 2
        canary.page.evaluate(script("fetch_later"), [LATE_FROM_THE_PAGE, later_ms])
        search_worker.evaluate(script("fetch_later"), [LATE_FROM_THE_WORKER, later_ms])

        unsettled = tabs.settle()
        # What each tab recorded until now: closing the tabs must not add to it.
        for drawing in drawings:
            drawing["errors"] += drawing.pop("tab").errors
        return {
            "site_url": site_url,
            "pages": {
                path: {"requests": list(tab.requests), "schemes": schemes[path]}
                for path, tab in readers.items()
            },
            "search": {
                path: {"title": title, "found": found[path]}
                for path, title in titles.items()
            },
            "diagrams": drawings,
            "dark_tabs": {
                url_of(source): list(tab.requests) for source, tab in dark.items()
            },
            "canary": list(canary.requests),
            "unsettled": unsettled,
        }


def browser_pass(root: Path, site: Path) -> dict[str, Any]:
    """What the browser saw on the built site; {"failed": traceback} if it failed."""

    def visit(_folder: Path) -> dict[str, Any]:
        try:
            return visit_the_site(site)
        except Exception:  # saved as well: another worker must not try again
            return {"failed": traceback.format_exc()}

    seen, _ = once_per_run(root, "browser", visit)
    return seen


# How long the worker that started the early pass waits for it as its session
# ends (normally it is long done). A pass stopped then is only lost time: the
# fixtures of any test that still needs it do the work again.
EARLY_PASS_WAIT = 20  # seconds


@contextmanager
def started_early(
    tmp_path_factory: pytest.TempPathFactory, module: str = "tests.site_pass"
) -> Iterator[None]:
    """Run `python -m <module> <run folder>` now, in a process of its own: by
    default, build the site and run the browser pass.

    One process per test run: the first worker to get here starts it. A process,
    not a thread, so that the tests that check for leaked threads and unclosed
    sockets see none of it. Whatever goes wrong in it, the fixtures compute
    again and report it.
    """
    root = run_folder(tmp_path_factory)
    try:
        (root / f"{module}.started").touch(exist_ok=False)
    except FileExistsError:
        yield  # another worker started it
        return
    with open(root / f"{module}.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-W", "error", "-m", module, str(root)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        try:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=EARLY_PASS_WAIT)
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop the early pass if it still runs: as Ctrl+C would, then for good."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # its `with` blocks close Chromium
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":  # started_early() runs this
    run = Path(sys.argv[1])
    result, site = built_site(run)
    if result["returncode"] == 0:
        browser_pass(run, site)
