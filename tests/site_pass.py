"""The built site, and one pass of a browser over it: each once per test run.

Both take longer than anything else in the suite, so `started_early` can run
them in a process of their own as the session starts (tests/conftest.py does
when the run has a test that needs them). The tests' fixtures ask `built_site`
and `browser_pass` all the same: they get the saved result, wait for it, or
compute it, and report any error.

The pass loads every page in Debian's Chromium headless shell (never a
downloaded browser), all at the same time, each in a tab of its own; see
`visit_the_site`.
"""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import (
    QUIET,
    TIMEOUT_MS,
    Tab,
    Tabs,
    begin,
    ms_left,
    outcome,
    script,
    shown_elsewhere,
    walk_with_the_keyboard,
)
from tests.docs_tree import DOCS, ROOT, diagrams, pages
from tools import chromium as debian_chromium
from tools import diagrams as drawings
from tools.audit import built_pages
from tools.serving import QuietHandler, served


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
        # Diagrams come from diagrams/ only: a missing drawing fails the build.
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", drawings.CACHE_ONLY: "1"},
    )
    return {"returncode": result.returncode, "stderr": result.stderr}


def built_site(root: Path) -> tuple[dict[str, Any], Path]:
    """The strict build's result, and the folder it built the site in."""
    return once_per_run(root, "site", strict_build)


@contextmanager
def chromium():
    """Debian's Chromium, headless, closed on exit (tools/chromium.py)."""
    if not Path(debian_chromium.HEADLESS_SHELL).exists():
        message = debian_chromium.missing("chromium-headless-shell")
        pytest.fail(f"the browser test: {message}", pytrace=False)
    with debian_chromium.chromium() as browser:
        yield browser


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


# The diagrams: ```mermaid blocks, drawn when the site is built.

# Each page with a diagram, and the diagram snippets it includes.
DIAGRAM_PAGES = {page: diagrams(page) for page in pages() if diagrams(page)}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme: Material's

# The canary's requests, made after everything else. Another host on loopback:
# refused at once, and nothing leaves this machine.
LATE_FROM_THE_PAGE = "http://127.0.0.2:9/from-the-page"
LATE_FROM_THE_WORKER = "http://127.0.0.2:9/from-the-worker"
# What the keyboard test searches for: the title of a page, as a reader types it.
KEYBOARD_QUERY = title_of(DOCS / "pooling.md")


def drawn(readers: dict[str, Tab], scheme: str) -> list[dict[str, Any]]:
    """What each diagram page shows of its diagrams (see inspect_diagrams.js)."""
    seen = []
    for source in DIAGRAM_PAGES:
        page = readers[url_of(source)].page
        page.evaluate(script("show_every_diagram"))
        seen.append(
            {
                "page": source.relative_to(ROOT).as_posix(),
                "in": scheme,
                **page.evaluate(script("inspect_diagrams")),
            }
        )
    return seen


# The rules of axe-core that read colours: all that the dark scheme changes on
# a page. The others read the page's elements, names and roles, which are the
# same in both schemes, and run in the light one. Running them all in the dark
# scheme too would cost about 5 s of CPU more, for nothing new.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_everywhere(
    tabs: dict[str, Tab], scheme: str, rules: list[str] | None = None
) -> dict[str, Any]:
    """What axe-core finds on every page, all checked at the same time: each
    violation, and how many of the site's looks of text the colour rules
    checked (each exactly once, unless the pages' bookkeeping is wrong).

    First, the looks of the text on every page (text_looks.js): the rules that
    read colours check each look once in this scheme, on the first page, in
    the order of `tabs`, that has it.
    """
    for tab in tabs.values():
        begin(tab.page, "text_looks")
    looks = {path: outcome(tab.page, "text_looks") for path, tab in tabs.items()}
    for path, elsewhere in shown_elsewhere(looks).items():
        begin(
            tabs[path].page,
            "axe_check",
            {"rules": rules, "colourRules": COLOUR_RULES, "shownElsewhere": elsewhere},
        )
    checked = {path: outcome(tab.page, "axe_check") for path, tab in tabs.items()}
    return {
        "violations": [
            {"page": path, "scheme": scheme, **violation}
            for path, result in checked.items()
            for violation in result["found"]
        ],
        "looks": len(set().union(*looks.values())),
        "looks_checked": sum(result["looksChecked"] for result in checked.values()),
    }


# Where the built site keeps its search index.
SEARCH_INDEX = "search/search_index.json"


def search_index(site: Path) -> dict[str, Any]:
    """The built site's search index."""
    return json.loads((site / SEARCH_INDEX).read_text("utf-8"))


def small_index(site: Path) -> bytes:
    """The site's search index, cut to its settings and its first document."""
    index = search_index(site)
    return json.dumps({**index, "docs": index["docs"][:1]}).encode()


def with_search_index(index: bytes) -> type[QuietHandler]:
    """A handler that serves the site as it is, but for its search index."""

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            if urlsplit(self.path).path != f"/{SEARCH_INDEX}":
                super().do_GET()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(index)))
            self.end_headers()
            self.wfile.write(index)

    return Handler


def visit_the_site(site: Path) -> dict[str, Any]:
    """One pass of the browser over the whole site: what tests/test_site.py checks.

    Every page loads at the same time, each in a tab of its own, and stays open
    until the network of every tab has settled; only then are requests read.
    """
    # The tabs that never search load the site from a second server, whose
    # search index is cut to one document: building the full index in every
    # tab would be the costliest thing each does. Both serve the same folder.
    with (
        served(site) as site_url,
        served(site, with_search_index(small_index(site))) as readers_url,
        chromium() as browser,
        Tabs(browser) as tabs,
    ):
        # A reader who chose no scheme gets the one their system prefers: light.
        readers = {
            path: tabs.open(readers_url + path, axe=True) for path in built_pages(site)
        }
        # A reader with only a keyboard, on the home page: it searches.
        keyboard = tabs.open(site_url)
        # The canary's page: the cheapest one with Material's search worker.
        canary = tabs.open(readers_url + "404.html")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        for tab in tabs.opened:
            tab.page.wait_for_load_state("load", timeout=ms_left(deadline))

        # Each page in the light scheme: its diagrams (inspect_diagrams.js) and
        # axe-core. Then in the dark scheme, through the palette toggle (which
        # must not fetch anything either): the diagrams again, and axe-core's
        # colour rules.
        drawings = [drawn(readers, "light")]
        axe = {"light": axe_everywhere(readers, "light")}
        schemes = {path: tab.toggle_scheme() for path, tab in readers.items()}
        drawings.append(drawn(readers, "dark"))
        axe["dark"] = axe_everywhere(readers, "dark", COLOUR_RULES)

        keyboard_walk = walk_with_the_keyboard(keyboard, KEYBOARD_QUERY)

        # The canary: requests from a page and from its worker, made late:
        # half the quiet window after the last thing done to any tab.
        (search_worker,) = canary.page.workers
        later_ms = QUIET * 1000 / 2
        canary.page.evaluate(script("fetch_later"), [LATE_FROM_THE_PAGE, later_ms])
        search_worker.evaluate(script("fetch_later"), [LATE_FROM_THE_WORKER, later_ms])

        unsettled = tabs.settle()
        # What each tab recorded until now: closing the tabs must not add to it.
        errors = {path: list(tab.errors) for path, tab in readers.items()}
        return {
            "site_url": site_url,
            "readers_url": readers_url,
            "pages": {
                path: {
                    "requests": list(tab.requests),
                    "schemes": schemes[path],
                    "errors": errors[path],
                }
                for path, tab in readers.items()
            },
            "diagrams": [drawing for scheme in drawings for drawing in scheme],
            "axe": axe,
            "keyboard": {**keyboard_walk, "requests": list(keyboard.requests)},
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
# ends. Its own tests may all be done long before the pass, with more workers
# than cores; but a test on another worker still needs the pass, and would
# only start it again. So it waits for the pass to end, its own deadlines
# included (TIMEOUT_MS per phase), and stops it only after that.
EARLY_PASS_WAIT = 300  # seconds


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
