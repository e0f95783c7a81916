"""The built site: a strict build, and no request to any host but the site's own.

The site is built once per test run, however many xdist workers share the run,
and so is one pass of a browser over it (tests/site_pass.py): every page loads
in Debian's Chromium headless shell, each in a tab of its own, and every
request each page makes is recorded. The same pass runs axe-core on every page
(every rule in the light scheme, the colour rules in the dark one), measures
every diagram in both schemes, and walks the home page with the keyboard
alone, searching the site on the way. Each test below then checks one
thing the pass saw.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import urllib3

from tests.docs_tree import (
    DOCS,
    ROOT,
    diagrams,
    fences,
    load_hooks,
    nav_pages,
    pages,
)
from tests.site_pass import (
    DIAGRAM_PAGES,
    KEYBOARD_QUERY,
    LATE_FROM_THE_PAGE,
    LATE_FROM_THE_WORKER,
    SCHEMES,
    browser_pass,
    built_site,
    run_folder,
    search_index,
    title_of,
    url_of,
)
from tools import diagrams as drawings


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """The strict build's result, and the folder it built the site in."""
    return built_site(run_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def site(build):
    result, folder = build
    if result["returncode"] != 0:
        pytest.fail(f"the strict build failed:\n{result['stderr']}", pytrace=False)
    return folder


# The pass runs in the set-up of the first test that needs it, or waits there
# for the one started early: on a busy machine, that can take most of the
# minute pytest-timeout gives a test. A guard against hangs, not an expectation.
uses_the_browser_pass = pytest.mark.timeout(180)


@pytest.fixture(scope="session")
def site_in_browser(site, tmp_path_factory):
    """What the browser saw: see tests/site_pass.py."""
    seen = browser_pass(run_folder(tmp_path_factory), site)
    if "failed" in seen:
        pytest.fail(f"the browser pass failed:\n{seen['failed']}", pytrace=False)
    return seen


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
    assert result["returncode"] == 0, result["stderr"]
    assert (site / "index.html").is_file()
    # Strict mode turns warnings into errors; make sure none was even printed.
    assert "WARNING" not in result["stderr"], result["stderr"]


HOOKS = load_hooks()
RUN_COMMANDS = HOOKS.RUN_COMMANDS


def test_every_code_block_is_captioned_with_the_command_that_runs_it(site):
    for page in pages():
        built = site / page.relative_to(DOCS).with_suffix("") / "index.html"
        if page.name == "index.md":
            built = site / page.relative_to(DOCS).with_name("index.html")
        captions = re.findall(
            r'<span class="filename"[^>]*><span class="run-command">([^<]*)</span>'
            r"([^<]+)</span>",
            built.read_text(encoding="utf-8"),
        )
        # Diagrams are drawn, not shown as code: they get no caption.
        expected = [
            (RUN_COMMANDS[Path(fence.include).suffix][0], fence.include)
            for fence in fences(page)
            if fence.include not in diagrams(page)
        ]
        assert captions == expected, f"{page.name}: rendered {captions}"


def test_the_lines_a_snippet_marks_are_lit_on_its_page(site):
    for page in pages():
        built = site / page.relative_to(DOCS).with_suffix("") / "index.html"
        if page.name == "index.md":
            built = site / page.relative_to(DOCS).with_name("index.html")
        marked = sum(
            len(HOOKS.marked_lines(ROOT / fence.include))
            for fence in fences(page)
            if fence.include and fence.include.endswith(".py")
        )
        lit = built.read_text(encoding="utf-8").count('<span class="hll">')
        assert lit == marked, f"{page.name}: {lit} lines lit, {marked} marked"


# Words readers type to find a page, besides its title. Search must find the
# page by each: the word is in the page's own text, as the search index has it.
SEARCHED_FOR = {
    "threads-and-processes.md": ("fork", "multiprocessing", "gunicorn", "Celery"),
    "leaks.md": (
        "Too many open files",
        "ResourceWarning",
        "TIME_WAIT",
        "Cannot assign requested address",
    ),
}


def test_search_finds_pages_by_the_words_readers_type(site):
    index = search_index(site)
    for page, words in SEARCHED_FOR.items():
        location = url_of(DOCS / page)
        indexed = " ".join(
            f"{doc['title']} {doc['text']}"
            for doc in index["docs"]
            if doc["location"].split("#")[0] == location
        ).lower()
        assert indexed, f"the search index has nothing of {page}"
        missing = [word for word in words if word.lower() not in indexed]
        assert not missing, f"search cannot find {page} by {missing}"


def test_tables_of_cited_figures_show_their_data_file_whole(site):
    for marker, data in HOOKS.CITED_TABLES.items():
        (page,) = [page for page in pages() if marker in page.read_text("utf-8")]
        built = site / url_of(page) / "index.html"
        html = built.read_text(encoding="utf-8")
        cited = json.loads(data.read_text(encoding="utf-8"))
        assert cited["hops"], data
        for hop in cited["hops"]:
            assert f'href="{hop["source"]}"' in html.replace("&amp;", "&"), hop
        assert html.count("<tr>") - 1 >= len(cited["hops"]), page.name


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


def elsewhere(urls: list[str], site_url: str) -> list[str]:
    """The URLs, among those a page requested, that are not on the site's host."""
    own_host = urlsplit(site_url).netloc
    return [
        url
        for url in urls
        if urlsplit(url).scheme in {"http", "https"}
        and urlsplit(url).netloc != own_host
    ]


@uses_the_browser_pass
def test_no_page_makes_the_browser_call_another_host(site_in_browser):
    # The pages are served twice, each time from one host (see visit_the_site).
    recorded = {
        path: (page["requests"], site_in_browser["readers_url"])
        for path, page in site_in_browser["pages"].items()
    }
    keyboard_walk = site_in_browser["keyboard"]["requests"]
    recorded["the keyboard walk"] = (keyboard_walk, site_in_browser["site_url"])
    assert len(site_in_browser["pages"]) >= 5
    for path, page in site_in_browser["pages"].items():
        # Loaded in one scheme, toggled to the other: both were recorded.
        assert sorted(page["schemes"]) == sorted(SCHEMES.values()), path
    for tab, (urls, _) in recorded.items():
        assert urls, f"{tab}: the recorder saw no requests at all"
    offenders = [
        f"{tab}: {url}"
        for tab, (urls, site_url) in recorded.items()
        for url in elsewhere(urls, site_url)
    ]
    assert not offenders, "\n".join(offenders)
    unsettled = site_in_browser["unsettled"]
    assert not unsettled, f"requests still in flight at the end: {unsettled}"


@uses_the_browser_pass
def test_the_recorder_sees_late_requests_from_pages_and_workers(site_in_browser):
    """A canary: the test above must be able to fail, for workers too, and for
    a request made after the last thing the pass did to any tab."""
    canary = elsewhere(site_in_browser["canary"], site_in_browser["readers_url"])
    assert sorted(canary) == [LATE_FROM_THE_PAGE, LATE_FROM_THE_WORKER]


@pytest.fixture(scope="session")
def drawn_diagrams(site_in_browser):
    """Each diagram page in each colour scheme, and what the browser drew on it."""
    return {
        (drawing["page"], drawing["in"]): drawing
        for drawing in site_in_browser["diagrams"]
    }


@uses_the_browser_pass
def test_every_diagram_is_drawn_in_both_schemes(drawn_diagrams, site_in_browser):
    assert DIAGRAM_PAGES, "the guide has diagrams: this test must see them"
    assert len(drawn_diagrams) == 2 * len(DIAGRAM_PAGES), sorted(drawn_diagrams)
    for (page, scheme), result in drawn_diagrams.items():
        expected = len(DIAGRAM_PAGES[ROOT / page])
        assert result["scheme"] == SCHEMES[scheme], (
            f"{page}: not in the {scheme} scheme"
        )
        errors = site_in_browser["pages"][url_of(ROOT / page)]["errors"]
        assert not errors, f"{page}: {errors}"
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


@uses_the_browser_pass
def test_diagram_text_is_legible_in_both_schemes(drawn_diagrams):
    illegible = too_faint(drawn_diagrams, "texts", "text", MINIMUM_CONTRAST)
    assert not illegible, "\n".join(illegible)


@uses_the_browser_pass
def test_diagram_arrowheads_stand_out_in_both_schemes(drawn_diagrams):
    """Arrowheads carry meaning: which way a message goes."""
    faint = too_faint(drawn_diagrams, "arrowheads", "marker", MINIMUM_GRAPHICS_CONTRAST)
    assert not faint, "\n".join(faint)


@uses_the_browser_pass
def test_no_page_loads_mermaid(site, site_in_browser):
    """Diagrams are drawn when the site is built. A ```mermaid block left in a
    page would make Material fetch mermaid (3.5 MB) from a CDN."""
    left = [
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if '<pre class="mermaid">' in path.read_text(encoding="utf-8")
    ]
    assert not left, f"a ```mermaid block was not drawn on {left}"
    assert not list(site.rglob("mermaid*.js")), "the site serves mermaid"
    loaded = [
        f"{path}: {url}"
        for path, page in site_in_browser["pages"].items()
        for url in page["requests"]
        if "mermaid" in urlsplit(url).path
    ]
    assert not loaded, "\n".join(loaded)


def test_every_diagram_has_a_drawing_for_its_source():
    """The drawings in diagrams/ are those of the sources as they are now."""
    missing, unused = drawings.stale()
    assert not missing, (
        f"no drawing for {[str(path.relative_to(ROOT)) for path in missing]} as it"
        " is now: run `make diagrams` and commit diagrams/"
    )
    assert not unused, (
        f"{[path.name for path in unused]} in diagrams/: no diagram uses it;"
        " `make diagrams` deletes it"
    )


def test_a_diagram_without_a_drawing_or_a_name_fails_the_build(tmp_path, monkeypatch):
    hooks = load_hooks()
    page = type("Page", (), {"file": type("File", (), {"src_uri": "a.md"})})
    source = "sequenceDiagram\n  accTitle: A\n  accDescr: B\n  A->>B: hi"
    block = f'<pre class="mermaid"><code>{source}</code></pre>'
    # An empty cache, and a build that may not draw: the suite's own.
    monkeypatch.setattr(drawings, "DRAWINGS", tmp_path)
    monkeypatch.setenv(drawings.CACHE_ONLY, "1")
    assert hooks.on_page_content("<p>no diagram</p>", page=page)
    with pytest.raises(hooks.PluginError, match=r"^a\.md: .*no drawing.*make diagrams"):
        hooks.on_page_content(block, page=page)
    unnamed = block.replace("accTitle: A", "")
    with pytest.raises(hooks.PluginError, match=r"^a\.md: .*`accTitle: \.\.\.`"):
        hooks.on_page_content(unnamed, page=page)
    # With its drawing in the cache, the page shows the drawing.
    (tmp_path / f"{drawings.drawing_key(source)}.svg").write_text("<svg>A</svg>\n")
    drawn = hooks.on_page_content(block, page=page)
    assert drawn == '<div class="diagram" data-search-exclude><svg>A</svg></div>'


def test_search_has_every_page_in_the_nav_under_its_title(site):
    """What a reader needs to find a page by typing its title: the search index
    has the page under its own heading, and weighs a title's words above those
    of the text. The keyboard test below searches for one title, through the
    site's own search; this test runs no search."""
    index = search_index(site)
    indexed = {doc["location"]: doc["title"] for doc in index["docs"]}
    pages_in_nav = nav_pages()
    assert len(pages_in_nav) >= 12
    assert set(pages_in_nav) == set(pages()), "a page missing from the nav"
    missing = [
        f"{url_of(page) or '/'}: indexed as {indexed.get(url_of(page))!r},"
        f" not {title_of(page)!r}"
        for page in pages_in_nav
        if indexed.get(url_of(page)) != title_of(page)
    ]
    assert not missing, "\n".join(missing)
    fields = index["config"]["fields"]
    assert fields["title"]["boost"] > fields["text"]["boost"]


@uses_the_browser_pass
def test_axe_finds_nothing_on_any_page_in_either_scheme(site_in_browser):
    """axe-core, pinned in package.json, on every built page, light and dark.

    The colour rules check each look of text once per scheme, on the first
    page that has it (tests/browser/text_looks.js): a colour found there is
    wrong wherever that look is."""
    checked = {
        f"{path} ({scheme})" for path in site_in_browser["pages"] for scheme in SCHEMES
    }
    assert len(checked) >= 10, "axe-core must have pages to check"
    found = [
        f"{violation['page'] or '/'} ({violation['scheme']}): {violation['rule']}, "
        f"{violation['help']}: {', '.join(violation['targets'][:5])}"
        + (
            f" and {len(violation['targets']) - 5} more"
            if len(violation["targets"]) > 5
            else ""
        )
        for scheme in SCHEMES
        for violation in site_in_browser["axe"][scheme]["violations"]
    ]
    assert not found, "\n".join(found)


@uses_the_browser_pass
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_colour_rules_check_every_look_of_text_once(site_in_browser, scheme):
    """Each look of text on the site is left to the colour rules on exactly one
    page: none skipped everywhere, none checked twice (text_looks.js)."""
    axe = site_in_browser["axe"][scheme]
    assert axe["looks"] >= 10, "the pages must have text to check"
    assert axe["looks_checked"] == axe["looks"]


@pytest.fixture(scope="session")
def keyboard_walk(site_in_browser):
    """What a reader with only a keyboard met on the home page (see
    walk_with_the_keyboard in tests/browser/__init__.py)."""
    return site_in_browser["keyboard"]


@uses_the_browser_pass
def test_the_first_tab_reaches_the_skip_link_and_shows_it(keyboard_walk):
    first = keyboard_walk["first"]
    assert first["kind"] == "skip link", f"the first Tab reaches {first}"
    assert first["visible"], f"the focused skip link is not shown: {first}"


@uses_the_browser_pass
def test_the_palette_toggle_switches_the_scheme_from_the_keyboard(keyboard_walk):
    toggle = keyboard_walk["toggle"]
    assert toggle, "Tab never reaches the palette toggle"
    before, after = toggle["schemes"]
    assert {before, after} == set(SCHEMES.values()), (
        f"Enter on {toggle['name']!r} left the scheme {before!r}, {after!r}"
    )


@uses_the_browser_pass
def test_search_works_from_the_keyboard(keyboard_walk):
    search = keyboard_walk["search"]
    assert search, "Tab never reaches the search field"
    result = search["result"]
    assert result["kind"] == "search result", (
        f"typing {KEYBOARD_QUERY!r}, then the down arrow, focuses {result}"
    )
    assert urlsplit(search["opened"]).path == urlsplit(result["href"]).path, (
        f"Enter on the result {result['href']} opened {search['opened']}"
    )


@uses_the_browser_pass
def test_the_skip_link_jumps_past_the_header_and_navigation(keyboard_walk):
    skip = keyboard_walk["skip"]
    assert skip, "the keyboard walk never got to a page opened from search"
    assert skip["kind"] == "skip link", f"the first Tab reaches {skip}"
    target = f"#{urlsplit(skip['href']).fragment}"
    assert skip["jumped_to"] == target, f"Enter on the skip link went to {skip}"
    then = skip["then"]
    assert then["inContent"], (
        f"after the skip link, Tab reaches {then}, not the content"
    )
