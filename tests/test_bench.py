"""The benchmark: its code still measures, and the page shows the data file as it is.

`make bench` measures for minutes and writes data/bench.json, then draws the
charts (docs/assets/bench/). Here the same code runs with tiny sizes against
one lab on loopback: a smoke run, with no timing in any assertion, only the
counts that cannot vary. The page's tables and figures are derived from the
data file at each build (tools/bench_report.py, through overrides/hooks.py);
the tests check that the built page shows them, and that each chart was drawn
from the data file as it is now.
"""

import dataclasses
import html
import re

import pytest

from tests.docs_tree import DOCS
from tests.site_pass import url_of
from tests.test_site import build, site  # noqa: F401  (fixtures)
from tools import bench, bench_report

DATA = bench_report.load()
PAGE = DOCS / "benchmark.md"
PAGE_TEXT = PAGE.read_text(encoding="utf-8")


def shape(value):
    """The keys of a data file, recursively, without its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__ if isinstance(value, str | bool) else "number"


def test_the_benchmark_code_measures_with_tiny_sizes(start_lab) -> None:
    lab = start_lab(https=True)
    data = bench.measure(bench.SMOKE, {0.0: lab})
    committed = {**DATA, "machine": dict(DATA["machine"])}
    del committed["machine"]["seconds"]  # added by main(), once it is over
    assert shape(data) == shape(committed)
    for cell in data["sequential"]:
        https = cell["scheme"] == "https"
        for measured in cell["rounds"]:
            assert measured["get"]["connections"] == bench.SMOKE.requests, cell
            assert measured["session"]["connections"] == 1, cell
            assert measured["get"]["tls_full"] == (bench.SMOKE.requests * https)
    for cell in data["threads"]["cells"]:
        most = cell["pool_maxsize"] if cell["pool_block"] else bench.SMOKE.threads
        for measured in cell["rounds"]:
            assert 1 <= measured["connections"] <= most, cell
    # The page's derivations work on what it measured (main() adds the time).
    data["machine"]["seconds"] = 0
    for table in bench_report.TABLES.values():
        assert table(data)
    assert bench_report.figures(data)


def test_the_committed_data_is_a_full_run() -> None:
    assert DATA["sizes"] == {
        **dataclasses.asdict(bench.FULL),
        "rtts": [*bench.FULL.rtts],
    }
    assert [c["rtt"] for c in DATA["sequential"]] == sorted(
        rtt for rtt in bench.FULL.rtts for _ in ("http", "https")
    )


def text_of(page_html: str) -> str:
    """A page's text, its tags removed and its spaces collapsed: inline tags
    leave nothing, the others a space."""
    inline_gone = re.sub(r"</?(?:code|strong|em|a)\b[^>]*>", "", page_html)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline_gone)).split())


def test_the_page_shows_every_table_and_figure_of_the_data_file(site) -> None:  # noqa: F811
    shown = text_of((site / url_of(PAGE) / "index.html").read_text("utf-8"))
    markers = list(bench_report.MARKER.finditer(PAGE_TEXT))
    assert {m["name"] for m in markers if m["table"]} == set(bench_report.TABLES)
    figures = bench_report.figures(DATA)
    for marker in markers:
        if marker["table"]:
            table = bench_report.TABLES[marker["name"]](DATA)
            rows = [line for line in table.splitlines() if line.startswith("| ")]
            for row in rows:
                cells = [c.strip().strip("`*_") for c in row.strip("|").split("|")]
                text = " ".join(" ".join(c.replace("`", "").split()) for c in cells)
                assert text in shown, f"{marker['name']} table: {row}"
        else:
            assert figures[marker["name"]].replace("`", "") in shown, marker["name"]


def test_a_marker_that_names_nothing_is_an_error() -> None:
    with pytest.raises(KeyError, match="no benchmark figure 'nothing'"):
        bench_report.render("<!-- bench:nothing -->", DATA)


CHARTS = bench_report.CHARTS


@pytest.mark.parametrize("name", bench_report.chart_names())
def test_each_chart_was_drawn_from_the_data_file_as_it_is(name: str) -> None:
    """Drawing takes seconds of CPU; each chart carries what it was drawn from."""
    svg = (CHARTS / name).read_text(encoding="utf-8")
    drawn = bench_report.DRAWN_FROM.search(svg)
    assert drawn, f"{name} does not say what it was drawn from"
    assert drawn[1] == bench_report.drawn_from(DATA), f"{name}: run `make bench`"
    scheme = name.removesuffix(".svg").rsplit("-", 1)[1]
    image = f"assets/bench/{name}#only-{scheme}"
    assert f"({image})" in PAGE_TEXT, f"the page does not show {image}"


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", bench_report.chart_names())
def test_chart_text_is_legible_on_its_scheme_s_background(name: str) -> None:
    svg = (CHARTS / name).read_text(encoding="utf-8")
    scheme = name.removesuffix(".svg").rsplit("-", 1)[1]
    background = bench_report.SCHEMES[scheme]["background"]
    fills = set(re.findall(r"<text\b[^>]*fill: (#[0-9a-f]{6})", svg))
    assert fills, f"{name} has no text"  # svg.fonttype none: text stays text
    for fill in fills:
        assert contrast(fill, background) >= 4.5, f"{name}: {fill} on {background}"


def test_where_the_model_is_off_the_relay_accounts_for_it() -> None:
    """What the page says of every row with a round trip: get() took more than
    the model, per extra round trip, by less than the relay adds to a round
    trip on the reused connection."""
    with_rtt = [r for r in bench_report.sequential_results(DATA) if r["rtt"]]
    assert with_rtt
    for r in with_rtt:
        where = f"{r['scheme']} at {r['rtt']:g} s"
        assert r["unmodelled_per_round_trip"] > 0, where
        assert r["unmodelled_per_round_trip"] < r["relay_per_round_trip"], where
