"""Diagrams, drawn when the site is built: no page loads mermaid.

    python -m tools.diagrams        (or: make diagrams)

A diagram is a snippet, snippets/<page>/NN_<what>.mmd, included in a ```mermaid
block. The build (overrides/hooks.py) puts its drawing in the block's place: an
inline SVG that the pinned mermaid (node_modules) drew in Debian's Chromium
headless shell, with the styles Material for MkDocs gives a diagram in the
reader's browser.
Those styles colour it through the theme's CSS variables, so the drawing
follows the light and the dark scheme like the rest of the page.

Drawings are kept in diagrams/, which is committed: one SVG per source, named
after a hash of all that makes the drawing (the source, mermaid's version,
Material's diagram styles, and this file). A build reads them from there, so
it needs no browser. On a miss it draws the diagram and saves the drawing,
unless DIAGRAMS_CACHE_ONLY is set: the test suite's build sets it, and a test
names every source whose drawing is missing. This command draws every missing
drawing and deletes those that no source uses any more.
"""

import functools
import hashlib
import json
import os
import re
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
DRAWINGS = ROOT / "diagrams"
MERMAID_JS = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
PACKAGE_LOCK = ROOT / "package-lock.json"
# Set in the environment, a build only reads drawings: a miss fails it.
CACHE_ONLY = "DIAGRAMS_CACHE_ONLY"

# What Material passes to mermaid besides its styles (its bundle, 9.x).
SETTINGS = {
    "startOnLoad": False,
    "securityLevel": "strict",
    "sequence": {
        "actorFontSize": "16px",
        "messageFontSize": "16px",
        "noteFontSize": "16px",
    },
}
# Material colours a sequence diagram's arrowheads through the id `arrowhead`,
# which mermaid 11 prefixes with the diagram's id: left alone they keep
# mermaid's dark grey, which the dark scheme hides.
ARROWHEADS = (
    '[id$="-arrowhead"] path'
    "{fill:var(--md-mermaid-sequence-message-line-color);stroke:none}"
)
# Draws one diagram in a page that has loaded mermaid: its SVG, or the error.
DRAW = """async ([id, source, settings, themeCSS]) => {
  mermaid.initialize({
    ...settings, themeCSS, deterministicIds: true, deterministicIDSeed: id,
  });
  try {
    return { svg: (await mermaid.render(id, source)).svg };
  } catch (error) {
    return { error: String(error?.message || error) };
  }
}"""
# A screen reader reads these instead of the drawing (mermaid's syntax).
TITLE = re.compile(r"^\s*accTitle\s*:\s*\S", re.MULTILINE)
DESCRIPTION = re.compile(r"^\s*accDescr\s*(?::\s*\S|\{)", re.MULTILINE)


class DiagramError(Exception):
    """A diagram that cannot be drawn, or has no drawing: the message says why."""


def normalized(source: str) -> str:
    """The source as a page and its file both give it: no trailing blanks."""
    return "\n".join(line.rstrip() for line in source.strip("\n").splitlines())


@functools.cache
def material_styles() -> str:
    """The CSS Material gives mermaid, read from its installed bundle.

    Material draws diagrams in the reader's browser with these styles: every
    colour in them is one of the theme's CSS variables.
    """
    import material

    assets = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    bundle = "\n".join(path.read_text("utf-8") for path in assets.glob("bundle.*.js"))
    name = re.search(r"\bthemeCSS:(\w+)", bundle)
    literal = name and re.search(rf'\b{name[1]}=("(?:[^"\\]|\\.)*")', bundle)
    if not literal:
        raise DiagramError(
            f"cannot find the diagram styles in Material {version('mkdocs-material')}'s"
            " bundle: see material_styles() in tools/diagrams.py"
        )
    return json.loads(literal[1]) + ARROWHEADS


def mermaid_version() -> str:
    """The mermaid package-lock.json pins, installed or not."""
    lock = json.loads(PACKAGE_LOCK.read_text("utf-8"))
    return lock["packages"]["node_modules/mermaid"]["version"]


@functools.cache
def drawn_with() -> str:
    """All that makes a drawing, but its source."""
    return json.dumps(
        [mermaid_version(), material_styles(), Path(__file__).read_text("utf-8")]
    )


def drawing_key(source: str) -> str:
    """A hash of everything that makes the drawing of `source`."""
    made_of = json.dumps([drawn_with(), normalized(source)])
    return hashlib.sha256(made_of.encode()).hexdigest()[:20]


def drawing_path(source: str) -> Path:
    return DRAWINGS / f"{drawing_key(source)}.svg"


def diagram_sources() -> list[Path]:
    """Every diagram snippet, one folder deep."""
    return sorted(SNIPPETS.glob("*/*.mmd"))


def named(source: str) -> str:
    """The snippet a source comes from, for a message; or what it starts with."""
    for path in diagram_sources():
        if normalized(path.read_text("utf-8")) == normalized(source):
            return path.relative_to(ROOT).as_posix()
    return f"the diagram {normalized(source)[:40]!r}..."


def check_accessible(source: str) -> None:
    if not (TITLE.search(source) and DESCRIPTION.search(source)):
        raise DiagramError(
            f"{named(source)}: give the diagram a title and a description for "
            "screen readers, as lines `accTitle: ...` and `accDescr: ...` "
            "after its first line"
        )


def inline(svg: str, diagram_id: str) -> str:
    """Mermaid's SVG, made fit to sit in a page among other drawings.

    - One image with a name: role="img" makes a screen reader read the title
      and description rather than every label in the drawing.
    - Ids unique on the page: mermaid leaves a few unprefixed (`actor0`), and
      two drawings on one page would share them.
    """
    svg = svg.replace('role="graphics-document document"', 'role="img"', 1)
    own = (diagram_id, f"chart-title-{diagram_id}", f"chart-desc-{diagram_id}")
    for name in set(re.findall(r'\sid="([^"]+)"', svg)):
        if not name.startswith(own):
            new = f"{diagram_id}-{name}"
            svg = re.sub(rf'(\sid=")({re.escape(name)})"', rf'\g<1>{new}"', svg)
            svg = svg.replace(f"url(#{name})", f"url(#{new})")
            svg = svg.replace(f'href="#{name}"', f'href="#{new}"')
    return svg


def draw(sources: list[str]) -> list[str]:
    """Draw each source in Debian's Chromium headless shell with the pinned mermaid."""
    from tools.chromium import NoChromium, chromium

    for source in sources:
        check_accessible(source)
    if not MERMAID_JS.is_file():
        raise DiagramError(
            f"{MERMAID_JS.relative_to(ROOT)} is missing: run `npm ci --ignore-scripts`"
            " (make does)"
        )
    styles = material_styles()
    drawn = []
    try:
        with chromium() as browser:
            for source in sources:
                # A page of its own: mermaid numbers some ids across drawings.
                page = browser.new_page()
                page.set_content("<!doctype html><html><body></body></html>")
                page.add_script_tag(path=str(MERMAID_JS))
                diagram_id = f"diagram-{drawing_key(source)[:8]}"
                result = page.evaluate(
                    DRAW, [diagram_id, normalized(source), SETTINGS, styles]
                )
                page.close()
                if "error" in result:
                    raise DiagramError(f"{named(source)}: {result['error']}")
                drawn.append(inline(result["svg"], diagram_id))
    except NoChromium as error:
        raise DiagramError(f"cannot draw {named(sources[0])}: {error}") from None
    return drawn


def save(path: Path, svg: str) -> None:
    """Written whole or not at all."""
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(svg + "\n", encoding="utf-8")
    partial.replace(path)


def drawings(sources: list[str], *, may_draw: bool) -> list[str]:
    """The drawing of each source: from diagrams/, or drawn now and saved there."""
    for source in sources:
        check_accessible(source)
    missing = [source for source in sources if not drawing_path(source).is_file()]
    if missing and not may_draw:
        raise DiagramError(
            f"{named(missing[0])} has no drawing in diagrams/ for its source as it"
            " is now: run `make diagrams` (it needs Debian's chromium-headless-shell)"
            " and commit diagrams/"
        )
    if missing:
        for source, svg in zip(missing, draw(missing), strict=True):
            save(drawing_path(source), svg)
    return [drawing_path(source).read_text("utf-8").rstrip("\n") for source in sources]


def may_draw() -> bool:
    """Whether this build may draw a missing drawing (see CACHE_ONLY)."""
    return not os.environ.get(CACHE_ONLY)


def stale() -> tuple[list[Path], list[Path]]:
    """The sources without a drawing, and the drawings without a source."""
    keys = {path: drawing_key(path.read_text("utf-8")) for path in diagram_sources()}
    missing = [
        path for path, key in keys.items() if not (DRAWINGS / f"{key}.svg").is_file()
    ]
    unused = [
        path
        for path in sorted(DRAWINGS.glob("*.svg"))
        if path.stem not in keys.values()
    ]
    return missing, unused


def main() -> int:
    missing, unused = stale()
    try:
        sources = [path.read_text("utf-8") for path in missing]
        for path, svg in zip(missing, draw(sources) if sources else [], strict=True):
            save(drawing_path(path.read_text("utf-8")), svg)
            print(f"drew {path.relative_to(ROOT)}")
    except DiagramError as error:
        print(error, file=sys.stderr)
        return 1
    for path in unused:
        path.unlink()
        print(f"deleted {path.relative_to(ROOT)}: no diagram uses it")
    if not (missing or unused):
        print(f"every diagram has its drawing in {DRAWINGS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
