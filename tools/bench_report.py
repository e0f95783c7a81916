"""The benchmark page's tables, figures and charts, all derived from data/bench.json.

    python -m tools.bench_report        (make bench runs it): draws the charts

tools/bench.py measures and writes the raw rounds; everything a reader sees
is derived here, from the file: the medians, the model's predictions, the
tables and numbers that overrides/hooks.py puts where docs/benchmark.md has a
marker (`<!-- bench-table:NAME -->`, `<!-- bench:NAME -->`), and the charts
(docs/assets/bench/*.svg, one for the light scheme and one for the dark).

The model: a request on a new connection waits k more round trips than one on
an open connection (k = 1 for TCP, 2 for TLS 1.3, 3 for TLS 1.2), and costs
the CPU and loopback time of a new connection, measured at RTT 0 in the same
run. So, per request:

    get() = Session + k * RTT + (get() - Session at RTT 0)

Only the standard library at import: the site's build imports this module;
matplotlib is imported when a chart is drawn.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "bench.json"
CHARTS = ROOT / "docs" / "assets" / "bench"
# How close the model must come to every speed-up measured with a round trip.
TOLERANCE = 0.05
DASH, TIMES = "\u2013", "\u00d7"  # en dash, multiplication sign

# The one public figure: 100 calls, timed with timeit, to one HTTPS host.
CITED = {
    "calls": 100,
    "get_seconds": 52.74904417991638,
    "session_seconds": 15.770191192626953,
    "host": "https://www.wikipedia.org",
    "source": "https://stackoverflow.com/a/34491383",
    "year": 2015,
}

# Text and marks of each scheme's chart; the page's backgrounds are Material's
# default (#ffffff) and slate (#1e2129) schemes. Text must reach 4.5:1 on them.
SCHEMES = {
    "light": {
        "background": "#ffffff",
        "text": "#1f2328",
        "grid": "#d0d7de",
        "get": "#c2410c",
        "session": "#1d4ed8",
        "server": "#7c3aed",
    },
    "dark": {
        "background": "#1e2129",
        "text": "#e6edf3",
        "grid": "#3d444d",
        "get": "#fb923c",
        "session": "#60a5fa",
        "server": "#c4b5fd",
    },
}


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def extra_round_trips(scheme: str, tls: str) -> int:
    """k: the round trips a new connection waits before its request leaves."""
    if scheme == "http":
        return 1
    return 2 if tls == "TLSv1.3" else 3


def spread(values: list[float]) -> tuple[float, float, float]:
    """Median, min and max."""
    return statistics.median(values), min(values), max(values)


def cells(data: dict, rtt: float | None = None) -> list[dict]:
    return [c for c in data["sequential"] if rtt is None or c["rtt"] == rtt]


def column(cell: dict, variant: str, key: str = "seconds") -> list[float]:
    return [round_[variant][key] for round_ in cell["rounds"]]


def loopback_cost(data: dict, scheme: str) -> float:
    """What a new connection costs on loopback, per request: the median of the
    rounds' get() - Session at RTT 0."""
    (cell,) = [c for c in cells(data, 0.0) if c["scheme"] == scheme]
    return statistics.median(
        r["get"]["seconds"] - r["session"]["seconds"] for r in cell["rounds"]
    )


def sequential_results(data: dict) -> list[dict[str, Any]]:
    """Per RTT and scheme: the measurements, the model, and how far apart."""
    results = []
    baseline = {c["scheme"]: c for c in cells(data, 0.0)}
    for cell in cells(data):
        scheme, rtt = cell["scheme"], cell["rtt"]
        k = extra_round_trips(scheme, data["machine"]["tls"])
        session = spread(column(cell, "session"))
        get = spread(column(cell, "get"))
        ratios = [r["get"]["seconds"] / r["session"]["seconds"] for r in cell["rounds"]]
        predicted_get = session[0] + k * rtt + loopback_cost(data, scheme)
        predicted = predicted_get / session[0]
        # Measured as the model predicts it, a ratio of medians; the range is
        # the slowest and the fastest round's own ratio.
        speedup = (get[0] / session[0], min(ratios), max(ratios))
        # What the relay adds to each round trip, seen on the reused connection:
        # a reused request is one round trip.
        reused_at_zero = statistics.median(column(baseline[scheme], "session"))
        relay = session[0] - rtt - reused_at_zero if rtt else 0.0
        results.append(
            {
                "scheme": scheme,
                "rtt": rtt,
                "k": k,
                "session": session,
                "get": get,
                "speedup": speedup,
                "predicted_get": predicted_get,
                "predicted": predicted,
                "deviation": speedup[0] / predicted - 1,
                "relay_per_round_trip": relay,
                "unmodelled_per_round_trip": (get[0] - predicted_get) / k,
                "connections": (
                    statistics.median(column(cell, "get", "connections")),
                    statistics.median(column(cell, "session", "connections")),
                ),
            }
        )
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def spread_ms(values: tuple[float, float, float]) -> str:
    """`6.0 (5.8-6.3)`, with an en dash: the median, then min to max, in ms."""
    return f"{ms(values[0])} ({ms(values[1])}{DASH}{ms(values[2])})"


def rtt_label(rtt: float) -> str:
    return "0 (loopback)" if rtt == 0 else f"{rtt * 1000:g} ms"


def sequential_table(data: dict) -> str:
    rows = [
        "| Scheme | RTT | k | Session, ms per request | `get()`, ms per request "
        "| `get()`, model | Speed-up measured | Speed-up, model | Off by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sequential_results(data):
        speedup = [f"{value:.2f}{TIMES}" for value in r["speedup"]]
        # At RTT 0 the model has nothing to predict: that run is its baseline.
        model = (
            [ms(r["predicted_get"]), f"{r['predicted']:.2f}{TIMES}"]
            if r["rtt"]
            else ["baseline", "baseline"]
        )
        off = f"{r['deviation']:+.1%}" if r["rtt"] else "-"
        if r["rtt"] and abs(r["deviation"]) > TOLERANCE:
            off = f"**{off}**"
        rows.append(
            f"| {r['scheme'].upper()} | {rtt_label(r['rtt'])} | {r['k']} "
            f"| {spread_ms(r['session'])} | {spread_ms(r['get'])} | {model[0]} "
            f"| {speedup[0]} ({speedup[1]}{DASH}{speedup[2]}) "
            f"| {model[1]} | {off} |"
        )
    return "\n".join(rows)


def relay_table(data: dict) -> str:
    rows = [
        "| Scheme | RTT | Relay's delay per round trip, reused connection "
        "| `get()` beyond the model, per extra round trip |",
        "|---|---|---|---|",
    ]
    for r in sequential_results(data):
        if r["rtt"]:
            rows.append(
                f"| {r['scheme'].upper()} | {rtt_label(r['rtt'])} "
                f"| {ms(r['relay_per_round_trip'])} ms "
                f"| {ms(r['unmodelled_per_round_trip'])} ms |"
            )
    return "\n".join(rows)


def cpu_results(data: dict) -> list[dict[str, Any]]:
    """CPU per request at RTT 0, each side, each way: medians."""
    results = []
    for cell in cells(data, 0.0):
        for variant in ("get", "session"):
            results.append(
                {
                    "scheme": cell["scheme"],
                    "variant": variant,
                    "client": statistics.median(column(cell, variant, "client_cpu")),
                    "server": statistics.median(column(cell, variant, "server_cpu")),
                    "handshakes": statistics.median(column(cell, variant, "tls_full")),
                }
            )
    return results


VARIANT_LABEL = {"get": "`requests.get()`", "session": "one Session"}


def cpu_table(data: dict) -> str:
    requests_per_round = data["sizes"]["requests"]
    rows = [
        "| Scheme | Requests sent with | Client CPU, ms per request "
        "| Lab's CPU, ms per request | TLS handshakes per round |",
        "|---|---|---|---|---|",
    ]
    for r in cpu_results(data):
        handshakes = f"{r['handshakes']:g}" if r["scheme"] == "https" else "-"
        rows.append(
            f"| {r['scheme'].upper()} | {VARIANT_LABEL[r['variant']]} "
            f"| {ms(r['client'])} | {ms(r['server'])} | {handshakes} |"
        )
    rows.append("")
    rows.append(
        f"_A round is {requests_per_round} requests; the Session's count includes "
        "the handshake of its one connection, opened before the timing starts._"
    )
    return "\n".join(rows)


def thread_results(data: dict) -> list[dict[str, Any]]:
    threads = data["threads"]
    total = threads["threads"] * threads["requests_per_thread"]
    results = []
    for cell in threads["cells"]:
        rounds = cell["rounds"]
        results.append(
            {
                "scheme": cell["scheme"],
                "pool_maxsize": cell["pool_maxsize"],
                "pool_block": cell["pool_block"],
                "throughput": spread([total / r["seconds"] for r in rounds]),
                "connections": spread([r["connections"] for r in rounds]),
                "warnings": spread([r["warnings"] for r in rounds]),
            }
        )
    return results


def _counts(values: tuple[float, float, float]) -> str:
    median, low, high = values
    return f"{median:g}" if low == high else f"{median:g} ({low:g}{DASH}{high:g})"


def thread_table(data: dict) -> str:
    rows = [
        "| Scheme | `pool_maxsize` | `pool_block` | Requests per second "
        '| Connections opened | "Connection pool is full" warnings |',
        "|---|---|---|---|---|---|",
    ]
    for r in thread_results(data):
        low, high = r["throughput"][1], r["throughput"][2]
        rows.append(
            f"| {r['scheme'].upper()} | {r['pool_maxsize']} | {r['pool_block']} "
            f"| {r['throughput'][0]:.0f} ({low:.0f}{DASH}{high:.0f}) "
            f"| {_counts(r['connections'])} | {_counts(r['warnings'])} |"
        )
    return "\n".join(rows)


def machine_sentence(data: dict) -> str:
    m, sizes = data["machine"], data["sizes"]
    before, after = m["load_average"]
    return (
        f"Measured on {m['date']} by `make bench`, in {m['seconds']} s, on "
        f"{m['cores']} cores of an {m['cpu']}, shared with other work: a load "
        f"average of {before:.1f} as the run began, {after:.1f} as it ended. "
        f"Python {m['python']}, requests {m['requests']}, urllib3 {m['urllib3']}, "
        f"{m['openssl']}; the lab negotiated {m['tls']}. "
        f"{sizes['rounds']} rounds of {sizes['requests']} requests per variant."
    )


def cited_results() -> dict[str, float]:
    """The cited figure, per request, and the RTT the model says it implies."""
    calls = CITED["calls"]
    get, session = CITED["get_seconds"] / calls, CITED["session_seconds"] / calls
    implied = {k: (get - session) / k for k in (2, 3)}
    return {"get": get, "session": session, "rtt_k2": implied[2], "rtt_k3": implied[3]}


def figures(data: dict) -> dict[str, str]:
    """The numbers the page's prose quotes, by name: `<!-- bench:NAME -->`."""
    found: dict[str, str] = {"machine": machine_sentence(data)}
    for r in sequential_results(data):
        key = f"{r['scheme']}-{r['rtt'] * 1000:g}ms"
        found[f"speedup-{key}"] = f"{r['speedup'][0]:.2f}{TIMES}"
        if r["rtt"]:
            found[f"predicted-{key}"] = f"{r['predicted']:.2f}{TIMES}"
            found[f"deviation-{key}"] = f"{r['deviation']:+.1%}"
    with_rtt = [r for r in sequential_results(data) if r["rtt"]]
    close = [r for r in with_rtt if abs(r["deviation"]) <= TOLERANCE]
    worst = max(with_rtt, key=lambda r: abs(r["deviation"]), default=None)
    found["model-verdict"] = (
        f"{len(close)} of the {len(with_rtt)} speed-ups measured with a round trip"
    )
    if worst:
        found["worst-deviation"] = (
            f"{worst['deviation']:+.1%} ({worst['scheme'].upper()}, "
            f"{rtt_label(worst['rtt'])})"
        )
    for scheme in ("http", "https"):
        found[f"loopback-cost-{scheme}"] = f"{ms(loopback_cost(data, scheme))} ms"
    cpu = {(r["scheme"], r["variant"]): r for r in cpu_results(data)}
    for (scheme, variant), r in cpu.items():
        both = r["client"] + r["server"]
        found[f"cpu-{scheme}-{variant}"] = f"{ms(both)} ms"
    tls_cost = sum(
        cpu["https", "get"][side] - cpu["http", "get"][side]
        for side in ("client", "server")
    )
    found["cpu-tls-handshake"] = f"{ms(tls_cost)} ms"
    cited = cited_results()
    session_k3 = cited["session"] - cited["rtt_k3"]
    tls13_get = cited["session"] + 2 * cited["rtt_k3"]
    found.update(
        {
            "cited-get": f"{ms(cited['get'])} ms",
            "cited-session": f"{ms(cited['session'])} ms",
            "cited-speedup": f"{cited['get'] / cited['session']:.2f}{TIMES}",
            "cited-rtt-k2": f"{ms(cited['rtt_k2'])} ms",
            "cited-rtt-k3": f"{ms(cited['rtt_k3'])} ms",
            "cited-server-k3": f"{ms(session_k3)} ms",
            "cited-tls13-speedup": f"{tls13_get / cited['session']:.2f}{TIMES}",
            "threads": str(data["threads"]["threads"]),
            "threads-requests": str(data["threads"]["requests_per_thread"]),
            "threads-rtt": f"{data['threads']['rtt'] * 1000:g} ms",
            "tolerance": f"{TOLERANCE:.0%}",
        }
    )
    return found


TABLES = {
    "sequential": sequential_table,
    "relay": relay_table,
    "cpu": cpu_table,
    "threads": thread_table,
}
MARKER = re.compile(r"<!-- bench(?P<table>-table)?:(?P<name>[\w.-]+) -->")


def render(markdown: str, data: dict) -> str:
    """The page with every marker replaced; an unknown marker is an error."""
    found = figures(data)

    def replace(marker: re.Match) -> str:
        name = marker["name"]
        if marker["table"]:
            if name not in TABLES:
                raise KeyError(f"no benchmark table {name!r}: one of {sorted(TABLES)}")
            return TABLES[name](data)
        if name not in found:
            raise KeyError(f"no benchmark figure {name!r}: one of {sorted(found)}")
        return found[name]

    return MARKER.sub(replace, markdown)


# --- charts -----------------------------------------------------------------


def _pyplot(colors: dict[str, str]):
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcdefaults()
    plt.rcParams.update(
        {
            "svg.hashsalt": "bench",  # stable ids: the same data, the same bytes
            "svg.fonttype": "none",  # text stays text
            "font.size": 11,
            "text.color": colors["text"],
            "axes.labelcolor": colors["text"],
            "axes.edgecolor": colors["text"],
            "xtick.color": colors["text"],
            "ytick.color": colors["text"],
            "axes.facecolor": "none",
            "figure.facecolor": "none",
            "savefig.transparent": True,
            "legend.frameon": False,
        }
    )
    return plt


def drawn_from(data: dict) -> str:
    """What a chart is drawn from, as a digest: the data, this code, matplotlib.

    Each chart carries it, so a test can tell, without drawing anything, that
    the charts on the page were drawn from the data file as it is now.
    """
    from importlib.metadata import version

    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(version("matplotlib").encode())
    return f"drawn from data/bench.json, digest {digest.hexdigest()}"


# Where a chart says what it was drawn from (SVG metadata, dc:description).
DRAWN_FROM = re.compile(r"<dc:description>(drawn from [^<]*)</dc:description>")


def _svg(plt, figure, data: dict) -> str:
    buffer = io.StringIO()
    metadata = {"Date": None, "Description": drawn_from(data)}
    figure.savefig(buffer, format="svg", metadata=metadata, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def speedup_chart(data: dict, colors: dict[str, str]) -> str:
    plt = _pyplot(colors)
    results = sequential_results(data)
    figure, axes = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True)
    for ax, scheme in zip(axes, ("http", "https"), strict=True):
        mine = [r for r in results if r["scheme"] == scheme]
        xs = range(len(mine))
        medians = [r["speedup"][0] for r in mine]
        errors = [
            [r["speedup"][0] - r["speedup"][1] for r in mine],
            [r["speedup"][2] - r["speedup"][0] for r in mine],
        ]
        ax.bar(xs, medians, 0.55, color=colors["session"], label="measured")
        ax.errorbar(xs, medians, errors, fmt="none", ecolor=colors["text"], capsize=4)
        predicted = [
            (x, r["predicted"]) for x, r in zip(xs, mine, strict=True) if r["rtt"]
        ]
        ax.scatter(
            [x for x, _ in predicted],
            [value for _, value in predicted],
            marker="D",
            s=36,
            color=colors["get"],
            zorder=3,
            label="model",
        )
        ax.set_xticks(list(xs), [rtt_label(r["rtt"]) for r in mine])
        ax.set_title(scheme.upper(), color=colors["text"])
        ax.set_xlabel("round-trip time")
        ax.grid(axis="y", color=colors["grid"], linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0].set_ylabel("Session's speed-up over get()")
    axes[0].legend(loc="upper left")  # HTTP's bars are the lower: room above
    return _svg(plt, figure, data)


def cpu_chart(data: dict, colors: dict[str, str]) -> str:
    plt = _pyplot(colors)
    results = cpu_results(data)
    figure, ax = plt.subplots(figsize=(8, 3.2))
    labels = [f"{r['scheme'].upper()}\n{r['variant']}" for r in results]
    client = [r["client"] * 1000 for r in results]
    server = [r["server"] * 1000 for r in results]
    ax.barh(labels, client, color=colors["session"], label="client")
    ax.barh(labels, server, left=client, color=colors["server"], label="lab")
    ax.invert_yaxis()
    ax.set_xlabel("CPU ms per request, loopback")
    ax.grid(axis="x", color=colors["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right")
    return _svg(plt, figure, data)


def threads_chart(data: dict, colors: dict[str, str]) -> str:
    plt = _pyplot(colors)
    results = thread_results(data)
    figure, axes = plt.subplots(1, 2, figsize=(8, 3.4), sharey=True)
    for ax, scheme in zip(axes, ("http", "https"), strict=True):
        mine = [r for r in results if r["scheme"] == scheme]
        xs = range(len(mine))
        medians = [r["throughput"][0] for r in mine]
        errors = [
            [r["throughput"][0] - r["throughput"][1] for r in mine],
            [r["throughput"][2] - r["throughput"][0] for r in mine],
        ]
        bar_colors = [
            colors["session"] if r["pool_block"] else colors["get"] for r in mine
        ]
        ax.bar(xs, medians, 0.6, color=bar_colors)
        ax.errorbar(xs, medians, errors, fmt="none", ecolor=colors["text"], capsize=3)
        ax.set_xticks(
            list(xs),
            [
                f"{r['pool_maxsize']}\n{'on' if r['pool_block'] else 'off'}"
                for r in mine
            ],
        )
        ax.set_title(scheme.upper(), color=colors["text"])
        ax.set_xlabel("pool_maxsize, and pool_block off or on")
        ax.grid(axis="y", color=colors["grid"], linewidth=0.6)
        ax.set_axisbelow(True)
    axes[0].set_ylabel("requests per second")
    return _svg(plt, figure, data)


CHART_KINDS = {"speedup": speedup_chart, "cpu": cpu_chart, "threads": threads_chart}


def chart_name(kind: str, scheme: str) -> str:
    return f"{kind}-{scheme}.svg"


def chart_names() -> list[str]:
    return [chart_name(kind, scheme) for kind in CHART_KINDS for scheme in SCHEMES]


def charts(data: dict) -> dict[str, str]:
    """Every chart in every scheme, by file name: `speedup-light.svg`."""
    return {
        chart_name(kind, scheme): draw(data, colors)
        for kind, draw in CHART_KINDS.items()
        for scheme, colors in SCHEMES.items()
    }


def write_charts(data: dict) -> list[Path]:
    CHARTS.mkdir(parents=True, exist_ok=True)
    written = []
    for name, svg in charts(data).items():
        path = CHARTS / name
        path.write_text(svg, encoding="utf-8")
        written.append(path)
    return written


def main() -> int:
    for path in write_charts(load()):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
