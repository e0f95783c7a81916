"""What helps a reader who arrives from a search: a note on reading proofs,
and search results made of the pages' own words.

The note is added at build time by overrides/hooks.py, where a page's proofs
begin. It is written once (overrides/proof-note.md), and lists the lab's
helpers from their own docstrings. Search leaves it out, and the code blocks'
titles too: the same text on every page would crowd out the page's own.
"""

import ast
import re

import markdown
import pytest

from tests.docs_tree import (
    ROOT,
    fences,
    load_hooks,
    pages,
    recipe_snippets,
    runnable_snippets,
    snippet_id,
)

HOOKS = load_hooks()


def shows_a_proof(page) -> bool:
    return any(
        fence.include.endswith(".py")
        and HOOKS.IMPORTS_LAB.search((ROOT / fence.include).read_text("utf-8"))
        for fence in fences(page)
        if fence.include
    )


def test_the_guide_has_pages_with_and_without_proofs() -> None:
    assert {shows_a_proof(page) for page in pages()} == {True, False}


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.name)
def test_a_page_with_proofs_explains_them_once_before_the_first(page) -> None:
    text = page.read_text(encoding="utf-8")
    assert HOOKS.NOTE_TITLE not in text, f"{page.name}: the note is written by hand"
    built = HOOKS.with_proof_note(text)
    assert built.count(HOOKS.NOTE_TITLE) == int(shows_a_proof(page))
    if shows_a_proof(page):
        first_proof = min(
            built.index(f'--8<-- "{fence.include}"')
            for fence in fences(page)
            if fence.include
            and fence.include.endswith(".py")
            and "_recipe_" not in fence.include
            and HOOKS.IMPORTS_LAB.search((ROOT / fence.include).read_text("utf-8"))
        )
        assert built.index(HOOKS.NOTE_TITLE) < first_proof


def test_the_note_describes_every_helper_a_snippet_can_import() -> None:
    tree = ast.parse(HOOKS.LAB_HELPERS.read_text(encoding="utf-8"))
    helpers = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]
    assert len(helpers) >= 4
    note = HOOKS.proof_note()
    for name in helpers:
        assert f"`{name}()`: " in note
    assert "{helpers}" not in note


def test_search_leaves_the_note_out() -> None:
    html = markdown.markdown(
        HOOKS.proof_note(), extensions=["admonition", "pymdownx.details"]
    )
    page = type("Page", (), {"file": type("File", (), {"src_uri": "a.md"})})
    built = HOOKS.on_page_content(html, page=page)
    assert re.search(r"<details [^>]*data-search-exclude", built), built[:200]


def captioned(path: str) -> str:
    title = f'<span class="filename">{path}</span>'
    page = type("Page", (), {"file": type("File", (), {"src_uri": "a.md"})})
    return HOOKS.on_page_content(f"<div>{title}<pre></pre></div>", page=page)


@pytest.mark.parametrize(
    ("path", "command"),
    [
        ("snippets/a/01_b.py", "make run SNIPPET="),
        ("snippets/a/01_b.console", "make check SNIPPET="),
    ],
)
def test_a_code_block_is_captioned_with_the_command_that_runs_it(path, command):
    built = captioned(path)
    assert f'<span class="run-command">{command}</span>{path}</span>' in built


def test_search_leaves_out_code_block_captions() -> None:
    assert '<span class="filename" data-search-exclude ' in captioned(
        "snippets/a/01_b.py"
    )


def test_a_snippet_no_command_runs_stops_the_build() -> None:
    with pytest.raises(HOOKS.PluginError, match="no command runs"):
        captioned("snippets/a/01_b.txt")


def proofs() -> list:
    """Every Python snippet that imports the lab, except recipes."""
    return [
        snippet
        for snippet in runnable_snippets()
        if snippet not in recipe_snippets()
        and HOOKS.IMPORTS_LAB.search(snippet.read_text("utf-8"))
    ]


@pytest.mark.parametrize("proof", proofs(), ids=snippet_id)
def test_a_proof_marks_the_lines_that_matter(proof) -> None:
    assert HOOKS.marked_lines(proof), (
        f"{snippet_id(proof)}: end the lines that matter with a `# <-` comment "
        "(`# <- why`), so the page highlights them"
    )


def test_marked_lines_are_highlighted(tmp_path) -> None:
    snippet = tmp_path / "01_b.py"
    snippet.write_text('"""Doc."""\n\nx = 1  # <- this\ny = 2  # <-\nz = "# <-x"\n')
    include = HOOKS.BARE_INCLUDE.search(f'```python\n--8<-- "{snippet}"\n')
    assert HOOKS.titled(include) == (
        f'```python title="{snippet}" hl_lines="3 4"\n--8<-- "{snippet}"'
    )
