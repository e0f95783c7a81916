"""The built site: a strict build, and no request to any host but the site's own.

The build runs once per test process. The browser test loads every page in
Debian's Chromium (never a downloaded browser), records every request the page
makes, and fails on any that leaves the site. The same browser draws every
diagram, in the light and the dark scheme, and checks that its text is legible.
"""

import contextlib
import functools
import http.server
import importlib.util
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

from tests.docs_tree import DOCS, ROOT, diagrams, fences, pages

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
    # overrides/main.html loads mermaid with the page; instant navigation
    # swaps pages without their scripts, and Material would fetch it from a CDN.
    assert "navigation.instant" not in config.theme["features"], (
        "instant navigation would make diagram pages fetch mermaid from a CDN"
    )
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
            r'<span class="filename"[^>]*>([^<]+)</span>',
            built.read_text(encoding="utf-8"),
        )
        # Diagrams are drawn, not shown as code: they get no title.
        included = [
            fence.include
            for fence in fences(page)
            if fence.include not in diagrams(page)
        ]
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


# The diagrams: ```mermaid blocks, drawn by the site's own copy of mermaid.

MERMAID_JS = "assets/javascripts/mermaid.min.js"
# Each page with a diagram, and the diagram snippets it includes.
DIAGRAM_PAGES = {page: diagrams(page) for page in pages() if diagrams(page)}
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme: Material's

# Material draws each diagram into a closed shadow root, which no test could
# look into. Test pages open them instead; nothing else changes.
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attachShadow.call(this, { ...init, mode: "open" });
};
"""
# A diagram in a content tab that is not selected is not laid out: show them all.
SHOW_EVERY_DIAGRAM = """
() => {
  const style = document.createElement("style");
  style.textContent = ".tabbed-block { display: block !important; }";
  document.head.append(style);
  document.querySelectorAll("details").forEach((details) => (details.open = true));
}
"""
DIAGRAMS_DRAWN = """
(expected) => [...document.querySelectorAll("div.mermaid")].filter(
  (host) => host.shadowRoot && host.shadowRoot.querySelector("svg")
).length >= expected
"""
# What the browser drew: the number of diagrams, mermaid's error messages, and
# for every piece of text its WCAG contrast ratio with what is painted behind
# it: the shapes under its centre, blended down to the page's background.
INSPECT_DIAGRAMS = """
() => {
  const SHAPES = new Set(["rect", "circle", "ellipse", "polygon", "path", "polyline"]);
  const rgba = (css) => {
    const match = /rgba?\\(([^)]*)\\)/.exec(css || "");
    if (!match) return null; // "none", or a gradient: paints nothing we can measure
    const [r, g, b, a = 1] = match[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const over = ([r, g, b, a], [R, G, B]) =>
    [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];
  const luminance = (color) => {
    const [r, g, b] = color.slice(0, 3).map((value) => {
      value /= 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (one, two) => {
    const [light, dark] = [luminance(one), luminance(two)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  // What an element paints behind text: a shape's fill, or a box's background.
  const paint = (element) => {
    const style = getComputedStyle(element);
    const isShape = element instanceof SVGElement && SHAPES.has(element.localName);
    const isBox = !(element instanceof SVGElement)
      || element.localName === "svg" || element.localName === "foreignObject";
    const color = isShape ? rgba(style.fill)
      : isBox ? rgba(style.backgroundColor) : null;
    if (!color) return null;
    color[3] *= Number(style.opacity) * (isShape ? Number(style.fillOpacity) : 1);
    return color[3] > 0 ? color : null;
  };
  // The colour of the text itself.
  const ink = (element) => {
    const style = getComputedStyle(element);
    const svg = element instanceof SVGElement;
    const color = rgba(svg ? style.fill : style.color) || [0, 0, 0, 0];
    color[3] *= Number(style.opacity) * (svg ? Number(style.fillOpacity) : 1);
    return color;
  };
  // The page behind a diagram: the first background an ancestor paints.
  const backdrop = (element) => {
    for (; element; element = element.parentElement) {
      const color = rgba(getComputedStyle(element).backgroundColor);
      if (color && color[3] > 0) return over(color, [255, 255, 255, 1]);
    }
    return [255, 255, 255, 1];
  };
  const format = (color) => "rgb(" + color.slice(0, 3).map(Math.round).join(", ") + ")";

  const hosts = [...document.querySelectorAll("div.mermaid")];
  // Mermaid draws a syntax error as a diagram of its own: read its text.
  const errorText = (error) => [...error.querySelectorAll("text")]
    .map((text) => text.textContent.trim()).join(" ");
  const errors = [...document.querySelectorAll("[aria-roledescription=error]")]
    .map(errorText);
  const texts = [];
  const arrowheads = [];
  hosts.forEach((host, diagram) => {
    const root = host.shadowRoot;
    if (!root) return;
    // Each marker a line uses (arrowheads, crosses), as drawn on the page.
    const page = backdrop(host);
    const used = new Set(
      [...root.querySelectorAll("[marker-start], [marker-end]")].flatMap((line) =>
        ["marker-start", "marker-end"].map((name) =>
          /url\\(#(.+)\\)/.exec(line.getAttribute(name) || "")?.[1]))
    );
    for (const id of used) {
      const shapes = root.getElementById(id)?.querySelectorAll("*") || [];
      for (const shape of shapes) {
        const style = getComputedStyle(shape);
        const color = rgba(style.fill) || rgba(style.stroke);
        if (!color || color[3] === 0) continue;
        const drawn = over(color, page);
        arrowheads.push({
          diagram, marker: id, ratio: contrast(drawn, page),
          why: format(drawn) + " on " + format(page),
        });
      }
    }
    errors.push(...[...root.querySelectorAll("[aria-roledescription=error]")]
      .map(errorText));
    // Hit-test every painted shape, whatever mermaid says about the pointer.
    const probe = document.createElement("style");
    probe.textContent = "* { pointer-events: visiblePainted !important; }";
    root.append(probe);
    const holders = [...root.querySelectorAll("*")].filter(
      (element) => !element.closest("style, title, desc, defs, marker")
        && [...element.childNodes].some(
          (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()
        )
    );
    for (const element of holders) {
      const text = element.textContent.trim();
      element.scrollIntoView({ block: "center", inline: "center" });
      const box = element.getBoundingClientRect();
      if (!box.width || !box.height) {
        texts.push({ diagram, text, ratio: 0, why: "not laid out" });
        continue;
      }
      const stack = root.elementsFromPoint(
        box.left + box.width / 2, box.top + box.height / 2
      );
      // Only what lies under the text counts: skip down past the text itself.
      const own = element.closest("text") || element;
      const at = stack.findIndex((hit) => hit === own || own.contains(hit));
      if (at < 0) {
        const top = stack[0]?.localName;
        texts.push({ diagram, text, ratio: 0, why: "covered by " + top });
        continue;
      }
      const layers = [];
      for (const under of stack.slice(at + 1)) {
        const color = paint(under);
        if (!color) continue;
        layers.push(color);
        if (color[3] >= 1) break;
      }
      let background = [255, 255, 255, 1]; // the canvas, if nothing else is painted
      for (const color of layers.reverse()) background = over(color, background);
      const foreground = over(ink(element), background);
      texts.push({
        diagram, text, ratio: contrast(foreground, background),
        why: format(foreground) + " on " + format(background),
      });
    }
    probe.remove();
  });
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    drawn: hosts.filter((host) => host.shadowRoot?.querySelector("svg")).length,
    errors,
    texts,
    arrowheads,
  };
}
"""


def url_of(page: Path) -> str:
    """A page's path on the site: docs/a.md is a/, docs/index.md the root."""
    relative = page.relative_to(DOCS).with_suffix("")
    if relative.name == "index":
        relative = relative.parent
    return "" if relative == Path() else f"{relative.as_posix()}/"


@pytest.fixture(scope="session")
def drawn_diagrams(site_url, browser):
    """Each diagram page in each colour scheme, and what the browser drew on it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    drawn = {}
    for scheme in SCHEMES:
        # A reader who chose nothing gets the scheme their system prefers.
        context = browser.new_context(color_scheme=scheme)
        context.add_init_script(OPEN_SHADOW_ROOTS)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page_errors: list[str] = []
        page.on(
            "pageerror", lambda error, errors=page_errors: errors.append(str(error))
        )
        for source, included in DIAGRAM_PAGES.items():
            page_errors.clear()
            page.goto(site_url + url_of(source), wait_until="load")
            # On failure, the tests report what was drawn and what went wrong.
            with contextlib.suppress(PlaywrightTimeoutError):
                page.wait_for_function(DIAGRAMS_DRAWN, arg=len(included), timeout=5_000)
            page.evaluate(SHOW_EVERY_DIAGRAM)
            result = page.evaluate(INSPECT_DIAGRAMS)
            result["errors"] += page_errors
            drawn[source.relative_to(ROOT).as_posix(), scheme] = result
        context.close()
    return drawn


def test_every_diagram_is_drawn_in_both_schemes(drawn_diagrams):
    assert DIAGRAM_PAGES, "the guide has diagrams: this test must see them"
    for (page, scheme), result in drawn_diagrams.items():
        expected = len(DIAGRAM_PAGES[ROOT / page])
        assert result["scheme"] == SCHEMES[scheme], (
            f"{page}: not in the {scheme} scheme"
        )
        assert not result["errors"], f"{page} ({scheme}): {result['errors']}"
        assert result["drawn"] == expected, (
            f"{page} ({scheme}): {result['drawn']} of {expected} diagrams drawn"
        )


MINIMUM_CONTRAST = 4.5  # WCAG 2 level AA, for text of any size
MINIMUM_GRAPHICS_CONTRAST = 3  # WCAG 2 level AA, for the parts of a graphic


def too_faint(drawn_diagrams, parts: str, name: str, minimum: float) -> list[str]:
    """The diagram parts (texts, arrowheads) whose contrast is below `minimum`."""
    faint = []
    for (page, scheme), result in drawn_diagrams.items():
        # None found would make the check pass without checking anything.
        assert result[parts], f"{page} ({scheme}): no diagram {parts} found"
        faint += [
            f"{page} ({scheme}), diagram {part['diagram'] + 1}: {part[name]!r} "
            f"{part['ratio']:.2f}:1, {part['why']}"
            for part in result[parts]
            if part["ratio"] < minimum
        ]
    return faint


def test_diagram_text_is_legible_in_both_schemes(drawn_diagrams):
    illegible = too_faint(drawn_diagrams, "texts", "text", MINIMUM_CONTRAST)
    assert not illegible, "\n".join(illegible)


def test_diagram_arrowheads_stand_out_in_both_schemes(drawn_diagrams):
    """Arrowheads carry meaning: which way a message goes."""
    faint = too_faint(drawn_diagrams, "arrowheads", "marker", MINIMUM_GRAPHICS_CONTRAST)
    assert not faint, "\n".join(faint)


def test_mermaid_loads_on_diagram_pages_only(site, site_url, browser):
    """About 3.5 MB: a page without a diagram must never download it."""
    assert (site / MERMAID_JS).is_file(), f"the build did not add {MERMAID_JS}"
    context = browser.new_context()
    recorder = RequestRecorder(context, urlsplit(site_url).netloc)
    page = context.new_page()
    loaded_on = set()
    for path in built_pages(site):
        seen = len(recorder.urls)
        # A <script> in the page is requested before DOMContentLoaded. Chromium
        # reports a request served from its cache too, so every page counts.
        page.goto(site_url + path, wait_until="domcontentloaded")
        if site_url + MERMAID_JS in recorder.urls[seen:]:
            loaded_on.add(path)
    context.close()
    expected = {url_of(page) for page in DIAGRAM_PAGES}
    assert loaded_on == expected, (
        f"{MERMAID_JS} was loaded on {sorted(loaded_on)}, not on {sorted(expected)}"
    )


def test_search_works_on_a_diagram_page(site_url, browser):
    """Material falls back to a CDN without mermaid, and then search hangs."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    for source in DIAGRAM_PAGES:
        page.goto(site_url + url_of(source), wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type("Session")
        results = page.locator(".md-search-result__item")
        results.first.wait_for()
        assert results.count() > 0, source
    context.close()


def test_a_diagram_without_mermaid_installed_fails_the_build(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("hooks", ROOT / "overrides/hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    page = type("Page", (), {"file": type("File", (), {"src_uri": "a.md"})})
    diagram = '<pre class="mermaid"><code>graph LR</code></pre>'
    assert hooks.on_page_content(diagram, page=page) == diagram

    monkeypatch.setattr(hooks, "MERMAID_JS", tmp_path / "missing" / "mermaid.min.js")
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    assert hooks.on_page_content("<p>no diagram</p>", page=page)
    with pytest.raises(hooks.PluginError, match=r"a\.md has a diagram.*`make test`"):
        hooks.on_page_content(diagram, page=page)


def nav_pages() -> list[Path]:
    """Every page in the nav, in order."""
    from mkdocs.config import load_config

    found = []

    def walk(items):
        for item in items:
            for target in item.values():
                if isinstance(target, list):
                    walk(target)
                else:
                    found.append(DOCS / target)

    walk(load_config(str(ROOT / "mkdocs.yml"))["nav"])
    return found


FOUND_IN_RESULTS = """path =>
  [...document.querySelectorAll(".md-search-result__item a")]
    .some(link => new URL(link.href).pathname === path)"""


def test_search_finds_every_page_in_the_nav(site_url, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    pages_in_nav = nav_pages()
    assert len(pages_in_nav) >= 12
    assert set(pages_in_nav) == set(pages()), "a page missing from the nav"
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(site_url, wait_until="load")
    page.keyboard.press("/")
    search = page.locator("input.md-search__input")
    missing = []
    for source in pages_in_nav:
        # What a reader would type: the page's own heading.
        lines = source.read_text(encoding="utf-8").splitlines()
        title = next(line[2:] for line in lines if line.startswith("# "))
        path = url_of(source)
        search.fill("")
        search.type(title)  # keystrokes: Material searches on keyboard events
        # The page itself must be among the results, not just pages naming it.
        try:
            page.wait_for_function(FOUND_IN_RESULTS, arg=f"/{path}", timeout=3_000)
        except PlaywrightTimeoutError:
            missing.append(f"searching {title!r} does not find /{path}")
    context.close()
    assert not missing, "\n".join(missing)
