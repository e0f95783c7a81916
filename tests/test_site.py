"""The built site: a strict build, and no request to any host but the site's own.

The build runs once per test process. The browser test loads every page in
Debian's Chromium (never a downloaded browser), records every request the page
makes, and fails on any that leaves the site.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import urllib3

from tests.docs_tree import DOCS, ROOT, fences, pages

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


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """`mkdocs build --strict` into a temporary folder; its result and the folder."""
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return result, site


@pytest.fixture(scope="session")
def site(build):
    result, folder = build
    if result.returncode != 0:
        pytest.fail(f"the strict build failed:\n{result.stderr}", pytrace=False)
    return folder


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass  # one line per file served would only bury a failure's output


@pytest.fixture(scope="session")
def site_url(site):
    """Serve the built site on a free loopback port for the browser."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_config_keeps_the_site_offline_strict_and_live():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.strict, "warnings must fail the build"
    assert config.theme["font"] is False, "web fonts would call another host"
    snippets = config.mdx_configs["pymdownx.snippets"]
    assert snippets["check_paths"] is True, "a missing snippet must fail the build"
    # `mkdocs serve` rebuilds when a snippet or the lab changes, not only a page.
    watched = {Path(path).resolve() for path in config.watch}
    assert {ROOT / "snippets", ROOT / "lab"} <= watched


def test_strict_build_passes(build):
    result, site = build
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    # Strict mode turns warnings into errors; make sure none was even printed.
    assert "WARNING" not in result.stderr, result.stderr


def test_every_code_block_renders_its_snippet_under_its_path(site):
    for page in pages():
        built = site / page.relative_to(DOCS).with_suffix("") / "index.html"
        if page.name == "index.md":
            built = site / page.relative_to(DOCS).with_name("index.html")
        titles = re.findall(
            r'<span class="filename">([^<]+)</span>', built.read_text(encoding="utf-8")
        )
        included = [fence.include for fence in fences(page)]
        assert titles == included, f"{page.name}: rendered {titles}"


def test_every_page_names_the_versions_it_was_verified_with(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "md-footer" not in html:
            continue  # sitemap-like pages without the theme's footer
        assert f"requests&nbsp;{requests.__version__}" in html, page
        assert f"urllib3&nbsp;{urllib3.__version__}" in html, page
        # Source links show the code of the versions the site was verified with.
        assert "/blob/main/" not in html, page


def test_source_links_point_at_the_installed_versions(site):
    html = (site / "sessions" / "index.html").read_text(encoding="utf-8")
    assert f"psf/requests/blob/v{requests.__version__}/src/requests/" in html
    html = (site / "seeing-reuse" / "index.html").read_text(encoding="utf-8")
    assert f"urllib3/urllib3/blob/{urllib3.__version__}/src/urllib3/" in html


# Where a page can make a browser fetch something: src=, href= on <link>, CSS url().
FETCH_TARGET = re.compile(
    r"""<(?:script|img|iframe|source|video|audio)\b[^>]*\bsrc=["']([^"']+)"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)"""
    r"""|url\(\s*["']?([^"')]+)"""
    r"""|@import\s+["']([^"']+)""",
    re.IGNORECASE,
)


def test_built_html_and_css_fetch_nothing_from_other_hosts(site):
    """A text scan: cheap, and it names the file. The browser test goes further."""
    offenders = []
    for path in [*site.rglob("*.html"), *site.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in FETCH_TARGET.finditer(text):
            target = next(group for group in match.groups() if group)
            if urlsplit(target).netloc or target.startswith("//"):
                # <link rel=canonical> and alternates name the site; they fetch nothing.
                if 'rel="canonical"' in match.group(0):
                    continue
                offenders.append(f"{path.relative_to(site)}: {target}")
    assert not offenders, "\n".join(offenders)


@pytest.fixture(scope="session")
def browser():
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
        yield browser
        browser.close()


def built_pages(site: Path) -> list[str]:
    pages = [
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("index.html")
    ]
    return sorted([*pages, "404.html"])


class RequestRecorder:
    """Every request a browser context makes: pages, and workers such as search."""

    def __init__(self, context, own_host: str) -> None:
        self.own_host = own_host
        self.urls: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))

    def elsewhere(self) -> list[str]:
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme in {"http", "https"}
            and urlsplit(url).netloc != self.own_host
        ]


def test_no_page_makes_the_browser_call_another_host(site, site_url, browser):
    context = browser.new_context()
    recorder = RequestRecorder(context, urlsplit(site_url).netloc)
    page = context.new_page()
    page.set_default_timeout(15_000)

    pages = built_pages(site)
    assert len(pages) >= 5
    for path in pages:
        page.goto(site_url + path, wait_until="networkidle")
        # Both colour schemes: the toggle must not fetch anything either.
        page.locator("label[for^='__palette_']:visible").first.click()
        page.wait_for_load_state("networkidle")

    # Search runs in a worker that loads its index from the site itself.
    page.goto(site_url, wait_until="networkidle")
    page.keyboard.press("/")
    page.keyboard.type("Session")
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert results.count() > 0
    context.close()

    assert not recorder.elsewhere(), "\n".join(recorder.elsewhere())
    assert len(recorder.urls) > len(pages), "the recorder saw no requests at all"


def test_the_recorder_sees_requests_from_pages_and_workers(site_url, browser):
    """A canary: the test above must be able to fail, for workers too."""
    context = browser.new_context()
    recorder = RequestRecorder(context, urlsplit(site_url).netloc)
    page = context.new_page()
    page.goto(site_url, wait_until="networkidle")
    # Another host on loopback: refused at once, and nothing leaves this machine.
    fetch = "url => fetch(url).catch(() => null)"
    page.evaluate(fetch, "http://127.0.0.2:9/from-the-page")
    (search_worker,) = page.workers
    search_worker.evaluate(fetch, "http://127.0.0.2:9/from-the-worker")
    context.close()
    assert sorted(recorder.elsewhere()) == [
        "http://127.0.0.2:9/from-the-page",
        "http://127.0.0.2:9/from-the-worker",
    ]
