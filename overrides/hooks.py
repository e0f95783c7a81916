"""MkDocs hooks for this guide.

- The footer of every page names the Python, requests and urllib3 versions the
  site was built with. They are read from the running environment: the same
  pinned virtual environment the test suite verifies every snippet in.
- A code block that includes a snippet gets a caption: the one command that
  runs the snippet, its path included, so readers know which file to run and
  how. Pages never repeat the path by hand. The lines a snippet marks with a
  `# <-` comment are highlighted: in a proof, the lines that matter.
- Links into the requests and urllib3 sources are written against `main` and
  rendered against the tag of the installed version: the source a link shows
  is the source the outputs were verified with.
- The Lab server page's endpoint tables are generated from the lab's route
  registry at each build, so the page shows the live lab and cannot drift.
  Tables of cited figures come from their data files in data/ the same way.
- The keep-alive matrix's table is generated from data/keepalive-matrix.json,
  which `make matrix` measures, at each build: the page shows the data as it
  is, and cannot drift from it.
- The benchmark page's tables and the figures its prose quotes are derived
  from data/bench.json, which `make bench` measures, at each build, by
  tools/bench_report.py (loaded afresh each build, so `mkdocs serve` shows
  its changes). A marker that names nothing fails the build.
- A page that shows a proof (a snippet that imports the lab) gets a short,
  collapsed note on how to read it, where its proofs begin: made from one
  template, overrides/proof-note.md, and the docstrings of the lab's helpers.
  Search leaves it out, and the code blocks' captions too, so neither crowds a
  page's own text from the results.
- Material's search dialog gets a name (`aria-label`), which its template
  leaves out; a theme that no longer renders the dialog as expected fails the
  build rather than lose the name quietly.
- A ```mermaid block becomes its drawing, an inline SVG made when the site is
  built (tools/diagrams.py): no page loads mermaid. Search leaves it out.
"""

import ast
import html
import importlib.util
import json
import platform
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from tools import diagrams

ROOT = Path(__file__).resolve().parent.parent
# How a ```mermaid fence renders (pymdownx.superfences' fence_code_format).
# Inline code escapes "<", so only a real diagram can produce this.
DIAGRAM = re.compile(
    r'<pre class="mermaid"><code>(?P<source>.*?)</code></pre>', re.DOTALL
)

# ```python  /  --8<-- "snippets/page/01_name.py"  (any indent, no title yet)
BARE_INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<language>python|console)[ \t]*\n"
    r'(?P=indent)--8<-- "(?P<path>[^"]+)"',
    re.MULTILINE,
)


# Where a page wants a table of the lab's routes: the marker, and which routes.
ROUTE_TABLES = {"<!-- lab-routes -->": False, "<!-- lab-control-routes -->": True}


# The lab's routes, described by a child process: the build's own process never
# imports the lab, so each build (and `mkdocs serve`) sees the lab's code as it
# is now, and nothing here can replace the modules of a process that imports it.
DESCRIBE_ROUTES = (
    "import json, lab.routes; from lab.registry import ROUTES; "
    "print(json.dumps(ROUTES.describe()))"
)


def lab_routes() -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE_ROUTES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise PluginError(f"cannot list the lab's routes:\n{result.stderr}")
    return json.loads(result.stdout)


def route_table(routes: list[dict], control: bool) -> str:
    """A Markdown table of the lab's routes: the control routes or the others."""
    rows = ["| Path | Methods | What the lab does |", "|---|---|---|"]
    for route in routes:
        if route["control"] is control:
            described = route["description"].replace("|", "\\|")
            rows.append(f"| `{route['usage']}` | {route['methods']} | {described} |")
    return "\n".join(rows)


# Where a page wants a table of cited figures, and the data file it comes from.
CITED_TABLES = {
    "<!-- cited-idle-timeouts -->": ROOT / "data" / "cited-idle-timeouts.json"
}


def cited_table(data: Path) -> str:
    """A Markdown table of figures cited, not measured, each with its source."""
    cited = json.loads(data.read_text(encoding="utf-8"))
    rows = [
        f"_{cited['about']}_",
        "",
        "| Hop | Idle timeout (cited) | Note | Source |",
        "|---|---|---|---|",
    ]
    for hop in cited["hops"]:
        source = f"[{hop['source_title']}]({hop['source']})"
        rows.append(
            f"| {hop['hop']} | {hop['idle_timeout']} | {hop['note']} | {source} |"
        )
    return "\n".join(rows)


# Where a page wants the keep-alive matrix, and the measured data it shows:
# two tables, one row per server in each, and the columns of each.
MATRIX_DATA = ROOT / "data" / "keepalive-matrix.json"
MATRIX_MEASURED = "<!-- keepalive-matrix-measured -->"
MATRIX_TABLES = {
    "<!-- keepalive-matrix -->": [
        "Server",
        "Keeps the connection",
        "Announces `Keep-Alive`",
        "Idle timeout",
        "Requests per connection",
        "How an idle connection ends",
    ],
    "<!-- keepalive-matrix-requests -->": [
        "Server",
        "HTTP/1.0 client",
        "`Connection: close`",
        "Pipelined second request",
    ],
}


def _default(default: dict, unit: str = "") -> str:
    """A default, linked to its source: "(docs)" if cited from there, "(config)"
    if read from the server's own config object (its title says which)."""
    value = "none" if default["value"] is None else f"{default['value']:g}{unit}"
    origin = "config" if default["read_from"] else "docs"
    title = f"read from {default['read_from']}" if default["read_from"] else "cited"
    if default["note"]:
        title += f"; {default['note']}"
    title = title.replace('"', "'")
    setting = f"`{default['setting']}` " if default["setting"] else ""
    return f'{setting}[{value}]({default["source"]} "{title}") ({origin})'


def _ending(cell: dict) -> str:
    """What followed an answer: kept, or how the connection ended."""
    then = cell["then"]
    if then == "kept":
        ending = "kept"
    elif then in ("FIN", "RST"):
        ending = f"then {then}"
        if cell.get("after", 0) >= 1:
            ending += f" {cell['after']:g} s later"
    else:
        ending = then
    if cell.get("answers_next"):
        ending += f", yet answers one more request ({cell['answers_next']})"
    return ending


def _answer(cell: dict) -> str:
    """What an answer says in `Connection`, and what follows."""
    said = f"says `{cell['connection']}`" if cell["connection"] else "says nothing"
    answer = f"{said}, {_ending(cell)}"
    if cell["version"] != "HTTP/1.1":
        answer = f"answers {cell['version']}, {answer}"
    return answer


def matrix_cells(server: dict, waited: float) -> dict[str, str]:
    """One server's cells, by column; `waited` is how long an idle connection
    was watched for its close."""
    cells, defaults = server["cells"], server["defaults"]
    plain, asked, idle, limit = (
        cells[key] for key in ("plain", "asked", "idle", "limit")
    )
    announces = f"`{asked['keep_alive']}`" if asked["keep_alive"] else "no"
    if asked["keep_alive"] and not plain["keep_alive"]:
        announces += " if the request says `keep-alive`"
    if idle is None:
        idle_measured, idle_end = "closes after every answer", "-"
    elif idle["closed"] is None:
        idle_measured = idle_end = f"still open after {waited:g} s"
    else:
        idle_measured, idle_end = f"{idle['after']:g} s", idle["closed"]
        if idle["sent_first"]:
            idle_end += f", after sending {idle['sent_first']}"
    if limit["answered"] is None:
        limit_measured = f"none in {limit['cap']:,}"
    else:
        limit_measured = f"{limit['answered']:,}, {_ending(limit)}"
    pipelined = cells["pipelined"]["second"]
    return {
        "Server": f"[{server['label']}]({server['home']}) {server['version']}",
        "Keeps the connection": "yes"
        if plain["then"] == "kept"
        else f"no: {_answer(plain)}",
        "Announces `Keep-Alive`": announces,
        "Idle timeout": f"{_default(defaults['idle_timeout'], ' s')}<br>"
        f"measured: {idle_measured}",
        "Requests per connection": f"{_default(defaults['max_requests'])}<br>"
        f"measured: {limit_measured}",
        "How an idle connection ends": idle_end,
        "HTTP/1.0 client": f"{_answer(cells['http10'])}<br>"
        f"asked to keep alive: {_answer(cells['http10_keep_alive'])}",
        "`Connection: close`": _answer(cells["connection_close"]),
        "Pipelined second request": "answered"
        if pipelined == "answered"
        else f"not answered: {pipelined}",
    }


def matrix_table(data: dict, columns: list[str]) -> str:
    """A table of the keep-alive matrix, made from the measured data."""
    waited = data["measured"]["probe"]["idle_wait"]
    rows = [columns, ["---"] * len(columns)]
    for server in data["servers"]:
        cells = matrix_cells(server, waited)
        rows.append([cells[column].replace("|", "\\|") for column in columns])
    return "\n".join(f"| {' | '.join(row)} |" for row in rows)


def matrix_measured(data: dict) -> str:
    """When, how long and with what the data was measured."""
    measured = data["measured"]
    return (
        f"Measured on {measured['on']} by `make matrix`, in {measured['seconds']} s, "
        f"with Python {measured['python']}."
    )


def matrix_tables(markdown: str, data: dict) -> str:
    """The page with each keep-alive matrix marker replaced by what it stands for."""
    for marker, columns in MATRIX_TABLES.items():
        markdown = markdown.replace(marker, matrix_table(data, columns))
    return markdown.replace(MATRIX_MEASURED, matrix_measured(data))


# The benchmark page's markers (`<!-- bench:NAME -->`, `<!-- bench-table:NAME -->`)
# and the module that derives what they stand for from data/bench.json.
BENCH_MARKER = "<!-- bench"
BENCH_REPORT = ROOT / "tools" / "bench_report.py"


def bench_report():
    """tools/bench_report.py as it is now: never a copy cached by an earlier build."""
    spec = importlib.util.spec_from_file_location("bench_report", BENCH_REPORT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_markers(markdown: str) -> str:
    report = bench_report()
    try:
        return report.render(markdown, report.load())
    except KeyError as error:
        raise PluginError(f"benchmark page: {error.args[0]}") from None


# The note on reading proofs, and the helpers it describes.
PROOF_NOTE = ROOT / "overrides" / "proof-note.md"
LAB_HELPERS = ROOT / "lab" / "client.py"
NOTE_TITLE = "Reading the proofs on this page"
IMPORTS_LAB = re.compile(r"^(?:from lab[ .]|import lab\b)", re.MULTILINE)


def proof_note() -> str:
    """The note, its helper list made from the helpers' own docstrings."""
    tree = ast.parse(LAB_HELPERS.read_text(encoding="utf-8"))
    helpers = [
        f"    - `{node.name}()`: {ast.get_docstring(node).splitlines()[0]}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    note = PROOF_NOTE.read_text(encoding="utf-8")
    return note.replace("{helpers}", "\n".join(helpers))


def with_proof_note(markdown: str) -> str:
    """The page with the note where its proofs begin, if it shows one.

    That is before the first `## ` heading after the TL;DR and any recipe:
    the answer and the code to copy come first, the proofs after.
    """
    shows_a_proof = any(
        path.suffix == ".py" and IMPORTS_LAB.search(path.read_text("utf-8"))
        for path in (ROOT / match["path"] for match in BARE_INCLUDE.finditer(markdown))
    )
    if not shows_a_proof:
        return markdown
    for heading in re.finditer(r"^## (.*)$", markdown, re.MULTILINE):
        if not heading[1].startswith("Recipe"):
            start = heading.start()
            return f"{markdown[:start]}{proof_note()}\n{markdown[start:]}"
    return f"{markdown.rstrip()}\n\n{proof_note()}"


# Each library's source on GitHub, and how its release tags are named.
SOURCE_TAGS = {
    "requests": ("https://github.com/psf/requests/blob/main/", "v{version}"),
    "urllib3": ("https://github.com/urllib3/urllib3/blob/main/", "{version}"),
}


def on_config(config):
    versions = {name: version(name) for name in SOURCE_TAGS}
    config.extra["verified_with"] = {"Python": platform.python_version(), **versions}
    # Each `blob/main/` source link as it is rendered: at the installed tag.
    config.extra["pinned_sources"] = {
        prefix: prefix.replace("/main/", f"/{tag.format(version=versions[name])}/")
        for name, (prefix, tag) in SOURCE_TAGS.items()
    }
    # Name the repository after its URL, so that REPO_URL alone re-points it.
    config.repo_name = urlsplit(config.repo_url).path.strip("/")
    return config


def on_page_markdown(markdown, config, **_):
    if any(marker in markdown for marker in ROUTE_TABLES):
        routes = lab_routes()
        for marker, control in ROUTE_TABLES.items():
            markdown = markdown.replace(marker, route_table(routes, control))
    for marker, data in CITED_TABLES.items():
        if marker in markdown:
            markdown = markdown.replace(marker, cited_table(data))
    if any(marker in markdown for marker in MATRIX_TABLES):
        data = json.loads(MATRIX_DATA.read_text(encoding="utf-8"))
        markdown = matrix_tables(markdown, data)
    if BENCH_MARKER in markdown:
        markdown = bench_markers(markdown)
    for prefix, pinned in config.extra["pinned_sources"].items():
        markdown = markdown.replace(prefix, pinned)
    markdown = with_proof_note(markdown)
    return BARE_INCLUDE.sub(titled, markdown)


# A line of a snippet that the reader should see first ends with this comment.
MARKED_LINE = re.compile(r"#\s<-(?:\s|$)")


def marked_lines(snippet: Path) -> list[int]:
    """The numbers of a snippet's lines marked `# <-`, counted from 1."""
    lines = snippet.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, 1) if MARKED_LINE.search(line)]


def titled(include: re.Match) -> str:
    """The fence with its snippet's path as title, and its marked lines lit."""
    path = include["path"]
    lit = marked_lines(ROOT / path) if (ROOT / path).is_file() else []
    hl_lines = f' hl_lines="{" ".join(map(str, lit))}"' if lit else ""
    return (
        f"{include['indent']}{include['fence']}{include['language']} "
        f'title="{path}"{hl_lines}\n{include["indent"]}--8<-- "{path}"'
    )


# A code block's title, as pymdownx renders it: the snippet's path.
BLOCK_TITLE = re.compile(r'<span class="filename">(?P<path>snippets/[^<]+)</span>')
# The one command that runs a snippet of each kind, from a clone of the guide.
RUN_COMMANDS = {
    ".py": ("make run SNIPPET=", "Runs this script against a lab of its own"),
    ".console": ("make check SNIPPET=", "Replays this transcript, as the tests do"),
}


def caption(title: re.Match) -> str:
    """A block's title as a caption: the command that runs its snippet.

    Search leaves it out: the same words on every page would crowd out the
    page's own text from the results.
    """
    path = title["path"]
    if Path(path).suffix not in RUN_COMMANDS:
        raise PluginError(f"{path}: no command runs a snippet of this kind")
    command, what = RUN_COMMANDS[Path(path).suffix]
    return (
        f'<span class="filename" data-search-exclude title="{what}, from a clone'
        f' of this guide"><span class="run-command">{command}</span>{path}</span>'
    )


def on_page_content(content, page, **_):
    content = BLOCK_TITLE.sub(caption, content)
    # Search leaves out the proof note, too.
    content = content.replace(
        f'<details class="info">\n<summary>{NOTE_TITLE}</summary>',
        f'<details class="info" data-search-exclude>\n<summary>{NOTE_TITLE}</summary>',
    )
    return with_drawings(content, page.file.src_uri)


def with_drawings(content: str, where: str) -> str:
    """The page with each ```mermaid block replaced by its drawing."""
    sources = [html.unescape(found["source"]) for found in DIAGRAM.finditer(content)]
    if not sources:
        return content
    try:
        drawn = iter(diagrams.drawings(sources, may_draw=diagrams.may_draw()))
    except diagrams.DiagramError as error:
        raise PluginError(f"{where}: {error}") from None
    return DIAGRAM.sub(
        lambda _: f'<div class="diagram" data-search-exclude>{next(drawn)}</div>',
        content,
    )


# Material's search dialog, as its partials/search.html renders it: no name.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = SEARCH_DIALOG.replace(
    'role="dialog"', 'role="dialog" aria-label="Search"'
)


def with_named_search(html: str, where: str) -> str:
    """The page with its search dialog named; fails if the theme renders none."""
    if SEARCH_DIALOG not in html:
        raise PluginError(
            f"{where}: Material's search dialog has changed; name it again "
            "in overrides/hooks.py (SEARCH_DIALOG)"
        )
    return html.replace(SEARCH_DIALOG, NAMED_SEARCH_DIALOG)


def on_post_page(output, page, **_):
    return with_named_search(output, page.file.src_uri)


def on_post_template(output_content, template_name, **_):
    """The pages built from a template alone, such as 404.html."""
    if template_name.endswith(".html"):
        return with_named_search(output_content, template_name)
    return output_content
