"""The keep-alive matrix: its measuring code still measures the same, and the page
shows the data file as it is.

`make matrix` measures the real servers with their real defaults, which takes
minutes, and writes data/keepalive-matrix.json. Here the same code
(tools/matrix.py) measures every server again with short settings
(servers.registry.SHORT) and short waits, once per test run
(tests/matrix_pass.py). Each server's
cells must come out as the data file says, but for what the short settings
change: its idle timeout and its request limit.
"""

import dataclasses
import json
import math
import re

import pytest

from servers.registry import SERVERS, SHORT
from tests.docs_tree import DOCS, load_hooks
from tests.matrix_pass import IDLE_SLACK, RECIPE, short_matrix
from tests.site_pass import run_folder
from tests.test_site import build, site  # noqa: F401  (fixtures)
from tools import matrix
from tools.matrix import CELLS, DATA_FILE, REAL
from tools.matrix import main as matrix_main

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
MEASURED = {row["name"]: row for row in DATA["servers"]}
PAGE = DOCS / "keep-alive-matrix.md"
PAGE_TEXT = " ".join(PAGE.read_text(encoding="utf-8").split())
# What the recipe prints: "connections for 5 requests: 1".
RECIPE_PRINTS = re.compile(r"connections for (\d+) requests: (\d+)")
HOOKS = load_hooks()


@pytest.fixture(scope="session", name="short_matrix")
def short_matrix_fixture(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """tests/matrix_pass.py's measurement: made once per test run, usually
    in the process tests/conftest.py started for it as the session began."""
    return short_matrix(run_folder(tmp_path_factory))


def announced(keep_alive: str | None) -> dict[str, int]:
    """`timeout=5, max=100` -> {"timeout": 5, "max": 100}."""
    pairs = re.findall(r"(\w+)=(\d+)", keep_alive or "")
    return {name: int(value) for name, value in pairs}


def announcement_problems(name: str, cells: dict, idle, most) -> list[str]:
    """A `Keep-Alive` header must announce the settings the server runs with."""
    problems = []
    for cell in ("plain", "asked", "http10_keep_alive"):
        said = announced(cells[cell]["keep_alive"])
        if "timeout" in said and said["timeout"] != idle:
            problems.append(f"{name} {cell}: announces timeout={said['timeout']}")
        if "max" in said and said["max"] != most:
            problems.append(f"{name} {cell}: announces max={said['max']}")
    return problems


def differences(name: str, short: dict) -> list[str]:
    """How the short measurement differs from the data file, beyond what the
    short settings change."""
    row, server = MEASURED[name], SERVERS[name]
    real = row["cells"]
    problems: list[str] = []

    def compare(what: str, expected, got) -> None:
        if expected != got:
            problems.append(
                f"{name} {what}: the data file says {expected!r}, measured {got!r}"
            )

    for cell in ("plain", "asked", "http10", "http10_keep_alive", "connection_close"):
        for key in ("version", "then", "answers_next"):
            compare(f"{cell}.{key}", real[cell].get(key), short[cell].get(key))
        for key in ("connection", "keep_alive"):  # said or not, and how for one
            expected, got = real[cell][key], short[cell][key]
            if key == "keep_alive":  # its values are the settings, checked below
                expected, got = expected is not None, got is not None
            compare(
                f"{cell}.{key}",
                expected and str(expected).lower(),
                got and str(got).lower(),
            )
    compare("pipelined", real["pipelined"], short["pipelined"])
    compare("client_port", real["client_port"], short["client_port"])

    idle, short_idle = real["idle"], short["idle"]
    if idle is None or short_idle is None:
        compare("idle", idle, short_idle)
    else:
        if idle["closed"] is not None:  # else it was still open after the wait
            compare("idle.closed", idle["closed"], short_idle["closed"])
        compare("idle.sent_first", idle["sent_first"], short_idle["sent_first"])
        low, high = SHORT.idle_timeout - 0.1, SHORT.idle_timeout + IDLE_SLACK
        after = short_idle["after"]
        if after is None or not low <= after <= high:
            problems.append(
                f"{name} idle: set to {SHORT.idle_timeout} s, closed after {after} s"
            )

    limit, short_limit = real["limit"], short["limit"]
    expected = limit["answered"]
    if "max_requests" in server.settable:
        default = row["defaults"]["max_requests"]["value"]
        # Apache answers one request more than MaxKeepAliveRequests: so here.
        offset = 0 if None in (expected, default) else expected - default
        expected = SHORT.max_requests + offset
    compare("limit.answered", expected, short_limit["answered"])
    if limit["answered"] is not None:
        for key in ("then", "answers_next"):
            compare(f"limit.{key}", limit.get(key), short_limit.get(key))
    problems += announcement_problems(
        name, short, SHORT.idle_timeout, SHORT.max_requests
    )
    return problems


@pytest.mark.parametrize("name", SERVERS)
def test_each_server_measures_as_the_data_file_says(name: str, short_matrix: dict):
    cells = short_matrix["servers"][name]
    if "error" in cells:
        pytest.fail(cells["error"], pytrace=False)
    problems = differences(name, cells)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", SERVERS)
def test_the_recipe_counts_the_connections_the_matrix_predicts(name, short_matrix):
    """One for five requests where the server keeps the connection, more where
    it limits requests (short settings here), five where it keeps none."""
    cells = short_matrix["servers"][name]
    if "error" in cells:
        pytest.fail(cells["error"], pytrace=False)
    (line,) = [line for line in RECIPE.read_text().splitlines() if "#>" in line]
    requests = int(RECIPE_PRINTS.search(line)[1])
    per_connection = cells["limit"]["answered"] or requests
    if cells["plain"]["then"] != "kept":
        per_connection = 1
    expected = f"connections for {requests} requests: "
    expected += str(math.ceil(requests / per_connection))
    assert short_matrix["recipe"][name] == expected


def test_haproxy_keeps_an_idle_connection_without_a_client_timeout(short_matrix):
    """`timeout http-keep-alive` alone closed nothing here: servers/registry.py
    sets `timeout client` with it."""
    assert (
        "in the tests, HAProxy closed nothing with it alone, and closed on time "
        "once `timeout client` was set too" in PAGE_TEXT
    )
    alone = short_matrix["alone"]
    if "error" in alone:
        pytest.fail(alone["error"], pytrace=False)
    assert alone["idle"]["closed"] is None, alone
    with_client_timeout = short_matrix["servers"]["haproxy"]["idle"]
    assert with_client_timeout["closed"] == "FIN", with_client_timeout


def test_the_data_file_has_every_server_and_every_cell():
    assert list(MEASURED) == list(SERVERS)
    assert DATA["measured"]["probe"] == dataclasses.asdict(REAL)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", DATA["measured"]["on"])
    for name, row in MEASURED.items():
        assert set(row["cells"]) == set(CELLS), name
        assert row["settings"] == {"idle_timeout": None, "max_requests": None}, name
        assert row["label"] == SERVERS[name].label, name
        assert row["home"] == SERVERS[name].home, name


@pytest.mark.parametrize("name", SERVERS)
def test_the_data_file_holds_the_defaults_and_versions_installed_here(name: str):
    """Defaults read from the servers' own config objects, and cited ones, as
    servers/registry.py has them now; versions as installed (for Debian's and
    Node's, which move with security updates, the same major.minor)."""
    server, row = SERVERS[name], MEASURED[name]
    defaults = {key: dataclasses.asdict(d) for key, d in server.defaults().items()}
    assert row["defaults"] == defaults, "run `make matrix` again"
    installed = server.version()
    if server.debian:
        assert row["version"].split(".")[:2] == installed.split(".")[:2], installed
    else:
        assert row["version"] == installed, "run `make matrix` again"
    idle, most = (defaults[key]["value"] for key in ("idle_timeout", "max_requests"))
    assert not announcement_problems(name, row["cells"], idle, most)


def test_the_page_shows_the_tables_where_it_wants_them():
    text = PAGE.read_text(encoding="utf-8")
    for marker in [*HOOKS.MATRIX_TABLES, HOOKS.MATRIX_MEASURED]:
        assert text.count(marker) == 1, marker
    assert HOOKS.MATRIX_DATA == DATA_FILE


@pytest.mark.parametrize("marker", HOOKS.MATRIX_TABLES)
def test_each_table_is_made_from_the_data_file(marker: str):
    columns = HOOKS.MATRIX_TABLES[marker]
    lines = HOOKS.matrix_table(DATA, columns).splitlines()
    assert lines[0] == f"| {' | '.join(columns)} |"
    assert len(lines) == 2 + len(SERVERS)
    for line, row in zip(lines[2:], DATA["servers"], strict=True):
        assert line.startswith(f"| [{row['label']}]({row['home']}) {row['version']} |")
        assert line.count(" | ") == len(columns) - 1, line  # no stray "|"
        if "Idle timeout" in columns:  # each default links to its source
            for default in row["defaults"].values():
                assert f"]({default['source']} " in line, (row["name"], default)


def test_another_measurement_makes_another_page():
    changed = json.loads(json.dumps(DATA))
    changed["servers"][0]["cells"]["idle"]["after"] = 12.5
    changed["measured"]["seconds"] = 321
    page = f"{HOOKS.MATRIX_MEASURED}\n" + "\n".join(HOOKS.MATRIX_TABLES)
    before, after = HOOKS.matrix_tables(page, DATA), HOOKS.matrix_tables(page, changed)
    assert "measured: 12.5 s" in after and "measured: 12.5 s" not in before
    assert "in 321 s" in after and "in 321 s" not in before


def test_the_built_page_shows_every_server_in_both_tables(site):  # noqa: F811
    html = (site / "keep-alive-matrix" / "index.html").read_text(encoding="utf-8")
    for marker in [*HOOKS.MATRIX_TABLES, HOOKS.MATRIX_MEASURED]:
        assert marker not in html
    tables = [part.split("</table>", 1)[0] for part in html.split("<table>")[1:]]
    assert len(tables) == len(HOOKS.MATRIX_TABLES)
    for table in tables:
        assert table.count("<tr>") == len(SERVERS) + 1
        for row in DATA["servers"]:
            assert f"{row['label']}</a> {row['version']}" in table, row["name"]
    assert f"in {DATA['measured']['seconds']} s" in html


def cells_of(name: str) -> dict:
    return MEASURED[name]["cells"]


def default(name: str, key: str):
    return MEASURED[name]["defaults"][key]["value"]


def keeps(name: str) -> bool:
    return cells_of(name)["plain"]["then"] == "kept"


def sync_closes_after_every_answer() -> bool:
    plain = cells_of("gunicorn-sync")["plain"]
    return (plain["connection"], plain["then"]) == ("close", "FIN") and (
        cells_of("gunicorn-sync")["idle"] is None
    )


def apache_answers_one_more() -> bool:
    limit = cells_of("apache")["limit"]
    first = announced(limit["keep_alive_first"])
    most = default("apache", "max_requests")
    return limit["answered"] == most + 1 == first["max"] + 1 and most == 100


def node_closes_a_second_late() -> bool:
    said = announced(cells_of("node")["asked"]["keep_alive"])
    after = cells_of("node")["idle"]["after"]
    return said == {"timeout": 5} == {"timeout": default("node", "idle_timeout")} and (
        abs(after - said["timeout"] - 1) <= 0.3
    )


def waitress_closes_late() -> bool:
    from waitress.adjustments import Adjustments

    after = cells_of("waitress")["idle"]["after"]
    channel_timeout = default("waitress", "idle_timeout")
    return channel_timeout < after <= channel_timeout + Adjustments().cleanup_interval


def haproxy_never_closed() -> bool:
    return (
        cells_of("haproxy")["idle"]["closed"] is None
        and DATA["measured"]["probe"]["idle_wait"] == 200
        and default("haproxy", "idle_timeout") is None
    )


def only_uvicorn_and_hypercorn_drop_http10_keep_alive() -> bool:
    return all(
        (cells_of(name)["http10_keep_alive"]["then"] == "kept")
        is (name not in ("uvicorn", "hypercorn"))
        for name in SERVERS
        if keeps(name)
    )


def idle_closes_are_fins_with_nothing_first() -> bool:
    idles = [cells_of(name)["idle"] for name in SERVERS]
    return all(
        idle["closed"] in ("FIN", None) and idle["sent_first"] is None
        for idle in idles
        if idle is not None
    ) and any(idle and idle["closed"] == "FIN" for idle in idles)


def connection_close_is_honoured_at_once() -> bool:
    return all(
        cells_of(name)["connection_close"]["connection"].lower() == "close"
        and cells_of(name)["connection_close"]["then"] == "FIN"
        and cells_of(name)["connection_close"]["after"] < 1
        for name in SERVERS
    )


# What the page says, and what in the data file makes it true.
CLAIMS = {
    "Nine servers, measured here with their defaults": lambda: len(SERVERS) == 9,
    "gunicorn's default worker, sync, closes the connection after every answer": (
        sync_closes_after_every_answer
    ),
    "Against gunicorn's sync worker the same recipe prints 5": (
        lambda: not keeps("gunicorn-sync")
    ),
    "gunicorn's sync worker closes the connection after every answer**, with "
    "`Connection: close`": sync_closes_after_every_answer,
    "answers a pipelined second request with nothing but the close": lambda: (
        cells_of("gunicorn-sync")["pipelined"]["second"] == "FIN"
    ),
    "Its gthread worker (`--worker-class gthread`) keeps connections": lambda: keeps(
        "gunicorn-gthread"
    ),
    "Apache answers one request more than `MaxKeepAliveRequests`": (
        apache_answers_one_more
    ),
    "Its first answer announces `max=100`, the number of requests still to come, "
    "and 100 more are answered before it closes": apache_answers_one_more,
    "It announces `Keep-Alive` only when the request says `Connection: "
    "keep-alive`": lambda: (
        cells_of("apache")["plain"]["keep_alive"] is None
        and cells_of("apache")["asked"]["keep_alive"] is not None
    ),
    "Node announces `Keep-Alive: timeout=5` and closes a second later": (
        node_closes_a_second_late
    ),
    "Node closes a second after the timeout it announces": node_closes_a_second_late,
    "waitress closes after its `channel_timeout`": waitress_closes_late,
    "waitress closes an idle connection later than its `channel_timeout`": (
        waitress_closes_late
    ),
    "with none configured, it did not close an idle connection here": (
        haproxy_never_closed
    ),
    "it did not close an idle connection in the 200 s it was watched": (
        haproxy_never_closed
    ),
    "uvicorn and hypercorn never keep an HTTP/1.0 connection**, even when the "
    "request says `Connection: keep-alive`. The other servers that keep "
    "connections do": only_uvicorn_and_hypercorn_drop_http10_keep_alive,
    "Every server that closed an idle connection closed it with a FIN, not a RST, "
    "and sent nothing first": idle_closes_are_fins_with_nothing_first,
    "No server closed an idle connection with a RST, and none sent anything "
    "before it closed": idle_closes_are_fins_with_nothing_first,
    "Every server answered `Connection: close` with `close`, then closed at once": (
        connection_close_is_honoured_at_once
    ),
}


@pytest.mark.parametrize("claim", CLAIMS)
def test_what_the_page_says_is_what_the_data_file_shows(claim: str):
    assert claim in PAGE_TEXT, "the page no longer says this: update CLAIMS"
    assert CLAIMS[claim](), "the data file no longer shows this: update the page"


def test_make_matrix_refuses_an_output_that_is_not_a_json_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_status:
        matrix_main(["--short", "--output", str(tmp_path)])
    assert exit_status.value.code == 2
    assert "--output: must name a .json file" in capsys.readouterr().err


def test_make_matrix_keeps_the_data_file_when_a_server_cannot_start(
    tmp_path, capsys, monkeypatch
):
    missing = dataclasses.replace(SERVERS["nginx"], program="nginx-not-installed")
    monkeypatch.setattr(matrix, "SERVERS", {"nginx": missing})
    output = tmp_path / "matrix.json"
    output.write_text("what was measured before")
    assert matrix_main(["--output", str(output)]) == 1
    assert output.read_text() == "what was measured before"
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("nginx: nginx-not-installed is not installed")
    assert errors[1] == f"{output} is unchanged."
