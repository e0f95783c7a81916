"""What the guide is made of: pages, the code fences on them, and snippets.

The snippet harness and the structural tests both read the tree through this
module, so they can never disagree about what a snippet or an include is.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
# Ruff's settings for snippets, and the one place the page's width is declared:
# a code block on the site shows this many columns before it scrolls.
SNIPPET_SETTINGS = SNIPPETS / "ruff.toml"
PAGE_COLUMNS: int = tomllib.loads(SNIPPET_SETTINGS.read_text(encoding="utf-8"))[
    "line-length"
]

# `--8<-- "snippets/page/01_name.py"`, optionally with a named section `:name`.
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
SNIPPET_NAME = re.compile(r"^\d{2}_[a-z0-9_]+\.(py|console|mmd)$")
# The fence language each kind of snippet is shown with. A ```mermaid fence is
# drawn as a diagram (pymdownx.superfences, configured in mkdocs.yml).
LANGUAGE = {".py": "python", ".console": "console", ".mmd": "mermaid"}


@dataclass(frozen=True)
class Fence:
    page: Path
    line: int  # 1-based line of the opening fence
    info: str  # what follows the opening backticks: language and attributes
    body: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def include(self) -> str | None:
        """The included file's path if the fence is exactly one include."""
        if len(self.body) == 1 and (match := INCLUDE.match(self.body[0])):
            return match["path"]
        return None


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def fences(page: Path) -> list[Fence]:
    """Every fenced code block on a page, including indented ones in tabs."""
    found = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        fence = opening["fence"]
        body = []
        index += 1
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(
                fence[0]
            ):
                break
            body.append(lines[index])
            index += 1
        start = index - len(body)  # 1-based line number of the opening fence
        found.append(Fence(page, start, opening["info"].strip(), tuple(body)))
        index += 1
    return found


def snippet_files() -> list[Path]:
    """Every file below snippets/: each one must be a snippet the tests run."""
    return sorted(
        path
        for path in SNIPPETS.rglob("*")
        # Ruff's settings, and the caches tools leave behind (.ruff_cache,
        # __pycache__), are not snippets.
        if path.is_file()
        and path != SNIPPET_SETTINGS
        and not any(
            part.startswith(".") or part == "__pycache__"
            for part in path.relative_to(SNIPPETS).parts[:-1]
        )
    )


def snippet_id(snippet: Path) -> str:
    """A snippet's test id, `<page>/NN_<what>.py`; make's PAGE= selects on it."""
    return snippet.relative_to(SNIPPETS).as_posix()


def runnable_snippets() -> list[Path]:
    """The Python snippets tests/test_snippets.py runs, one folder deep."""
    return sorted(SNIPPETS.glob("*/*.py"))


def recipe_snippets() -> list[Path]:
    """Recipes: snippets named NN_recipe_<what>.py, which run against any server."""
    return sorted(SNIPPETS.glob("*/[0-9][0-9]_recipe_*.py"))


def console_snippets() -> list[Path]:
    """The console sessions tests/test_console.py replays, one folder deep."""
    return sorted(SNIPPETS.glob("*/*.console"))


def diagram_snippets() -> list[Path]:
    """The mermaid diagrams the build draws, one folder deep."""
    return sorted(SNIPPETS.glob("*/*.mmd"))


def diagrams(page: Path) -> list[str]:
    """The diagram snippets a page includes, in page order."""
    return [
        fence.include
        for fence in fences(page)
        if fence.include and fence.include.endswith(".mmd")
    ]


def own_snippets_in_page_order(page: Path) -> list[str]:
    """The page's own snippets (snippets/<page>/...), in the order it first shows them.

    A page may show one of its snippets twice, or a snippet of another page:
    neither counts here, so only its own first appearances set the order.
    """
    own = f"{SNIPPETS.name}/{page.stem}/"
    shown = [fence.include for fence in fences(page) if fence.include]
    return list(dict.fromkeys(path for path in shown if path.startswith(own)))


def page_of(snippet: Path) -> Path:
    """The page a snippet belongs to: snippets/<page>/... -> docs/<page>.md."""
    return DOCS / f"{snippet.parent.name}.md"


def load_hooks():
    """overrides/hooks.py, the build's hook module, loaded for a test."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hooks", ROOT / "overrides/hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks


def nav() -> list:
    """The `nav` of mkdocs.yml, as MkDocs reads it."""
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))["nav"]


def nav_pages() -> list[Path]:
    """Every page in the nav, in order."""
    found = []

    def walk(items):
        for item in items:
            for target in item.values():
                if isinstance(target, list):
                    walk(target)
                else:
                    found.append(DOCS / target)

    walk(nav())
    return found
