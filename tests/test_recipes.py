"""Recipes run unchanged against any server, and every chapter opens with one.

A recipe is the code a reader pastes into an application: a snippet named
`NN_recipe_<what>.py`. tests/test_snippets.py runs it against the lab, over
HTTPS, and checks what it prints. Here it runs again against a plain HTTP/1.1
server that has never heard of the lab (tests/plain_server.py), and must print
the same. It may not use the lab at all: no import of `lab`, no lab-only header
or route. It reads
its server from BASE_URL, and every request it sends has a connect and a read
timeout: checked on what urllib3 receives, not on how the code looks.
"""

import ast
import re
from pathlib import Path

import pytest
from pytest_examples import EvalExample
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.util import Retry, Timeout

import lab.routes  # registers the lab's routes; binds `lab` too
from lab import DEFAULT_URL
from lab.process import LabProcess
from lab.registry import ROUTES
from tests.docs_tree import (
    DOCS,
    SNIPPETS,
    fences,
    nav,
    recipe_snippets,
    runnable_snippets,
    snippet_id,
)
from tests.test_snippets import check_snippet, isolated  # noqa: F401  (a fixture)

RECIPES = recipe_snippets()
# The lab's public names and headers, and the first segment of each of its routes.
LAB_ONLY = re.compile(
    r"\b(?:{})\b|X-Lab-|/(?:{})\b".format(
        "|".join(sorted(lab.__all__)),
        "|".join(sorted({r.pattern.split("/")[1] for r in ROUTES} - {""})),
    )
)


@pytest.fixture(scope="session")
def plain_url(tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("plain") / "plain.log"
    server = LabProcess(log=log, module="tests.plain_server", tls_port=None)
    try:
        yield server.url
    finally:
        server.stop()


def test_the_guide_has_recipes() -> None:
    assert len(RECIPES) >= 5  # guards the tests below against an empty list


@pytest.mark.parametrize("recipe", RECIPES, ids=snippet_id)
def test_a_recipe_runs_unchanged_against_a_server_that_is_not_the_lab(
    recipe: Path,
    eval_example: EvalExample,
    plain_url: str,
    isolated,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Against the plain server, printing the same, and with every request it
    sends bounded by a connect and a read timeout, whatever the code looks like.
    """
    if eval_example.update_examples:
        pytest.skip("outputs are written from the run against the lab")
    monkeypatch.setenv("BASE_URL", plain_url)
    timeouts = []  # what urllib3 got for each request the recipe sent
    urlopen = HTTPConnectionPool.urlopen

    def recording(pool, method, url, *args, **kwargs):
        timeouts.append(kwargs.get("timeout"))
        return urlopen(pool, method, url, *args, **kwargs)

    monkeypatch.setattr(HTTPConnectionPool, "urlopen", recording)
    if failure := check_snippet(recipe, eval_example, plain_url, undo=isolated):
        pytest.fail(f"against a plain HTTP server: {failure}", pytrace=False)
    unbounded = [
        timeout
        for timeout in timeouts
        if not isinstance(timeout, Timeout)
        or timeout.connect_timeout is None
        or timeout.read_timeout is None
    ]
    assert timeouts, f"{snippet_id(recipe)} sent no request through urllib3"
    assert not unbounded, f"{snippet_id(recipe)} sent requests with {unbounded}"


@pytest.mark.parametrize("recipe", RECIPES, ids=snippet_id)
def test_a_recipe_needs_no_lab(recipe: Path) -> None:
    source = recipe.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "lab" not in imported, f"{snippet_id(recipe)} imports the lab"
    assert not LAB_ONLY.findall(source), f"{snippet_id(recipe)} uses the lab"
    # The lab's default address, so that a recipe run by hand finds `make lab`.
    reads = f'os.environ.get("BASE_URL", "{DEFAULT_URL}")'
    assert reads in source, f"{snippet_id(recipe)}: read the server with {reads}"


# The nav's sections whose chapters open with a recipe, and single pages that do.
RECIPE_FIRST_SECTIONS = ("How it works", "In production")
RECIPE_FIRST_PAGES = ("recipes.md", "https.md")


def how_it_works_pages() -> list[Path]:
    """The chapters that open with a recipe: RECIPE_FIRST_SECTIONS' and pages."""
    chapters = [
        next(iter(chapter.values()))
        for item in nav()
        for section, chapters in item.items()
        if section in RECIPE_FIRST_SECTIONS
        for chapter in chapters
    ]
    return [DOCS / page for page in (*RECIPE_FIRST_PAGES, *chapters)]


@pytest.mark.parametrize("page", how_it_works_pages(), ids=lambda page: page.name)
def test_a_chapter_opens_with_a_recipe(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    first = fences(page)[0]
    before = text.splitlines()[: first.line - 1]
    assert any(line.startswith('!!! tip "TL;DR"') for line in before), page.name
    assert first.include and re.search(r"/\d\d_recipe_", first.include), (
        f"{page.name}: the first code block after the TL;DR must be a recipe"
    )


MOUNTS_HTTP = re.compile(r"""\.mount\(\s*["']http://["']""")
MOUNTS_HTTPS = re.compile(r"""\.mount\(\s*["']https://["']""")


@pytest.mark.parametrize("snippet", runnable_snippets(), ids=snippet_id)
def test_an_adapter_mounted_on_http_is_mounted_on_https_too(snippet: Path) -> None:
    """Copied into an application, an adapter on http:// alone does nothing for
    its https:// URLs."""
    source = snippet.read_text(encoding="utf-8")
    if MOUNTS_HTTP.search(source):
        assert MOUNTS_HTTPS.search(source), f"{snippet_id(snippet)}: mount https://"


def test_the_recipes_page_quotes_the_factory_s_own_numbers() -> None:
    """The worst case on the page is worked out from the factory recipe itself."""
    recipe = SNIPPETS / "recipes/00_recipe_a_session_factory.py"
    tree = ast.parse(recipe.read_text(encoding="utf-8"))
    tree.body = [node for node in tree.body if not isinstance(node, ast.With)]
    definitions: dict = {}
    exec(compile(tree, str(recipe), "exec"), definitions)  # no request is sent
    with definitions["make_session"]() as session:
        adapter = session.get_adapter("https://example.invalid/")
    retry, read_timeout = adapter.max_retries, adapter.timeout[1]
    backoffs = []
    for _ in range(retry.total):
        retry = retry.increment("GET", "/", error=ReadTimeoutError(None, "/", ""))
        backoffs.append(retry.get_backoff_time())
    attempts = len(backoffs) + 1
    worst = attempts * read_timeout + sum(backoffs)

    page = " ".join((DOCS / "recipes.md").read_text(encoding="utf-8").split())
    waits = ", ".join(f"{b:g}" for b in backoffs[:-1]) + f" and {backoffs[-1]:g}"
    assert f"makes {attempts} attempts of {read_timeout:g} s each" in page
    assert f"with {waits} s of backoff" in page
    assert round(worst / 60) == 2 and "about two minutes" in page, worst
    assert Retry.DEFAULT_RETRY_AFTER_MAX == 6 * 3600
    assert "six hours by default" in page
