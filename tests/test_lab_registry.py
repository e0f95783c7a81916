"""The lab's routes are declared once, and everything else derives from them.

The router, the 405 answers, the control routes that /stats does not count,
`python -m lab --routes` and the endpoint tables on the Lab server page all
read lab.registry.ROUTES. These tests hold each of them to it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
import requests

import lab.routes  # noqa: F401  (registers every route on ROUTES)
from lab.registry import ROUTES, Invalid, Registry, Route
from tests.docs_tree import DOCS, ROOT, load_hooks

TIMEOUT = 5.0
WITH_METHODS = [route for route in ROUTES if route.methods is not None]
CONTROL = [route for route in ROUTES if route.control]


def example_path(route: Route) -> str:
    """The route's pattern with every {placeholder} filled in."""
    return re.sub(r"\{[a-z_]+\}", "1", route.pattern)


def by_pattern(route: Route) -> str:
    return route.pattern


def test_the_lab_has_routes_and_control_routes() -> None:
    # Guards the tests below against passing over an empty registry.
    assert len(ROUTES.routes) >= 15
    assert {route.pattern for route in CONTROL} >= {"/stats", "/reset"}


@pytest.mark.parametrize("route", ROUTES.routes, ids=by_pattern)
def test_each_route_is_found_by_its_own_paths(route: Route) -> None:
    found = ROUTES.find(example_path(route))
    assert found is not None and found[0] is route


@pytest.mark.parametrize("route", ROUTES.routes, ids=by_pattern)
def test_each_route_says_what_it_does_in_a_sentence(route: Route) -> None:
    assert route.summary.endswith("."), route.summary
    assert len(route.summary) <= 150, f"{route.pattern}: shorten the first sentence"


@pytest.mark.parametrize("route", WITH_METHODS, ids=by_pattern)
def test_a_method_a_route_does_not_allow_gets_405(lab_url: str, route: Route) -> None:
    response = requests.delete(lab_url + example_path(route), timeout=TIMEOUT)
    assert response.status_code == 405
    assert response.headers["Allow"] == route.allow


@pytest.fixture(scope="module")
def counting_lab(start_module_lab) -> str:
    """A lab of this module's own, whose counts no other test disturbs."""
    return start_module_lab().url


@pytest.mark.parametrize("route", CONTROL, ids=by_pattern)
def test_control_routes_are_not_counted(counting_lab: str, route: Route) -> None:
    url = counting_lab  # one lab for every route: each resets it first
    requests.post(f"{url}/reset", timeout=TIMEOUT).raise_for_status()
    with requests.Session() as session:
        session.delete(url + example_path(route), timeout=TIMEOUT)  # a 405
        session.get(f"{url}/", timeout=TIMEOUT)  # counted: proves counting works
        stats = session.get(f"{url}/stats", timeout=TIMEOUT).json()
    assert stats == {"connections": 1, "requests": 1}


def test_a_route_is_declared_by_its_signature_and_docstring() -> None:
    routes = Registry()

    @routes.route("/teapot/{n}", methods=("GET",))
    async def teapot(exchange, n: str, *, spout: str = "left", lid: str | None = None):
        """418 `n` times. Or not."""

    (route, params) = routes.find("/teapot/3") or (None, None)
    assert route is not None and params == {"n": "3"}
    assert route.usage == "/teapot/{n}?spout=left&lid={lid}"
    assert (route.allow, route.summary) == ("GET, HEAD", "418 `n` times.")
    assert route.arguments(params, "lid=on") == {"n": "3", "spout": "left", "lid": "on"}
    with pytest.raises(Invalid, match="unknown query parameter 'handle'"):
        route.arguments(params, "handle=1")
    assert routes.find("/teapot") is None


def test_a_declaration_that_does_not_add_up_is_refused_at_import() -> None:
    routes = Registry()

    async def no_docstring(exchange, n: str): ...

    async def described(exchange, n: str):
        """Described."""

    with pytest.raises(TypeError, match=r"parameters \[\] != \['n'\]"):
        routes.route("/a/{n}")(lambda exchange: None)
    with pytest.raises(TypeError, match="needs a docstring"):
        routes.route("/a/{n}")(no_docstring)

    async def described_m(exchange, m: str):
        """Described, and shadowed by /a/{n}."""

    async def no_default(exchange, *, q: str):
        """Described, but `q` has no default."""

    with pytest.raises(TypeError, match="give each query parameter a default"):
        routes.route("/b")(no_default)
    with pytest.raises(TypeError, match=r"a \{placeholder\} is a whole segment"):
        routes.route("/b-{n}")(described)
    routes.route("/a/{n}")(described)
    with pytest.raises(TypeError, match=r"/a/\{m\} is already served by /a/\{n\}"):
        routes.route("/a/{m}")(described_m)


def test_routes_option_lists_every_route() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lab", "--routes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^  (/\S*)", result.stdout, re.MULTILINE)
    assert listed == [route.usage for route in ROUTES if not route.control] + [
        route.usage for route in CONTROL
    ]
    listing = " ".join(result.stdout.split())
    for route in ROUTES:
        assert route.summary in listing


def test_the_lab_page_shows_a_table_generated_from_the_routes() -> None:
    hooks = load_hooks()
    page = (DOCS / "lab.md").read_text(encoding="utf-8")
    # No route is described by hand on the page: only the generated tables.
    typed = re.findall(r"^\|\s*`/.*$", page, re.MULTILINE)
    assert not typed, f"docs/lab.md describes routes by hand: {typed}"
    for marker in hooks.ROUTE_TABLES:
        assert marker in page, f"docs/lab.md lost its table marker {marker}"

    config = type("Config", (), {"extra": {"pinned_sources": {}}})()
    rendered = hooks.on_page_markdown(page, config)
    rows = re.findall(r"^\| `(/\S*)` \| ([^|]+) \|", rendered, re.MULTILINE)
    assert rows == [
        (route.usage, route.allow or "any") for route in ROUTES if not route.control
    ] + [(route.usage, route.allow or "any") for route in CONTROL]


# What the lab's modules may import beyond the standard library: the helpers
# make requests for snippets, and lab.tls makes the CA and its certificate.
BEYOND_THE_STANDARD_LIBRARY = {"lab/client.py": {"requests"}, "lab/tls.py": {"trustme"}}


def test_the_lab_needs_the_standard_library_and_trustme_alone() -> None:
    for path in sorted((ROOT / "lab").glob("*.py")):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(str(node.module).split(".")[0])
        relative = path.relative_to(ROOT).as_posix()
        beyond = imported - set(sys.stdlib_module_names) - {"lab"}
        assert beyond == BEYOND_THE_STANDARD_LIBRARY.get(relative, set()), relative


def test_the_lab_loads_only_the_standard_library_until_it_serves() -> None:
    """`python -m lab --help` runs on any Python: requests (for the helpers) and
    trustme (to set up TLS) load when they are needed, not before."""
    code = (
        "import sys, lab, lab.__main__; lab.LAB_URL; lab.LAB_ALIAS_URL\n"
        "lab.LAB_HTTPS_URL; lab.LAB_CA_BUNDLE\n"
        "tops = {name.split('.')[0] for name in sys.modules}\n"
        "print(sorted(t for t in tops - sys.stdlib_module_names\n"
        "             if t != 'lab' and not t.startswith('_')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n", f"the lab imported {result.stdout.strip()}"


def test_the_lab_page_quotes_the_lab_s_own_limits() -> None:
    from lab.connection import MAX_PIPELINED, WRITE_PIECE
    from lab.delay import IN_FLIGHT_CHUNKS, MAX_RTT, READ_SIZE
    from lab.server import Config
    from lab.state import FLAKY_KEY_COST, MAX_FLAKY_KEYS
    from lab.wire import MAX_HEAD

    page = " ".join((DOCS / "lab.md").read_text(encoding="utf-8").split())
    for quoted in (
        f"over {MAX_HEAD // 1024} KiB (431)",
        f"keeps up to {MAX_PIPELINED // 1024} KiB of it",
        f"an answer {WRITE_PIECE // 1024} KiB at a time",
        f"about {WRITE_PIECE // 1024} to {2 * WRITE_PIECE // 1024} KiB",
        f"seconds ({Config().write_timeout:g} by default)",
        f"a {FLAKY_KEY_COST}-byte digest",
        f"Beyond {MAX_FLAKY_KEYS:,} keys",
        f"seconds ({Config().handshake_timeout:g} by default), counted from",
        f"at most {IN_FLIGHT_CHUNKS * READ_SIZE // 2**20} MiB in flight each way",
        f"up to `{MAX_RTT:g}s`",
    ):
        assert quoted in page, f"docs/lab.md no longer says {quoted!r}"
