"""The rule of three, checked on the source tree.

1. No code block on a page that is not included from snippets/.
2. No snippet that is not on a page and run by the tests. A diagram
   (snippets/<page>/NN_<what>.mmd, shown in a ```mermaid block) is run when
   the build draws it (tools/diagrams.py); tests/test_site.py measures it.
3. No printed output on a page that a test does not verify: outputs live only
   as `#>` comments inside snippets, which tests/test_snippets.py checks.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_tree import (
    DOCS,
    INCLUDE,
    LANGUAGE,
    PAGE_COLUMNS,
    ROOT,
    SNIPPET_NAME,
    SNIPPET_SETTINGS,
    console_snippets,
    diagram_snippets,
    fences,
    own_snippets_in_page_order,
    page_of,
    pages,
    runnable_snippets,
    snippet_files,
    snippet_id,
)

ALL_FENCES = [fence for page in pages() for fence in fences(page)]


def test_the_guide_has_pages_and_snippets():
    # Guards the checks below against passing on an empty tree.
    assert len(pages()) >= 5
    assert len(runnable_snippets()) >= 10
    assert len(ALL_FENCES) >= 10


@pytest.mark.parametrize("fence", ALL_FENCES, ids=lambda fence: fence.where)
def test_every_code_block_is_an_included_snippet(fence):
    assert fence.include, (
        f"{fence.where}: a code block must hold exactly one line, "
        f'--8<-- "snippets/<page>/NN_<what>.py", and nothing else'
    )
    assert (ROOT / fence.include).is_file(), f"{fence.where}: no file {fence.include}"
    assert fence.include.startswith("snippets/"), f"{fence.where}: not a snippet"
    language = LANGUAGE.get(Path(fence.include).suffix)
    assert fence.info.split()[0] == language, f"{fence.where}: mark it ```{language}"


def test_outputs_appear_only_inside_snippets():
    for page in pages():
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if line.lstrip().startswith("#>"):
                pytest.fail(f"{page.relative_to(ROOT)}:{number}: output typed by hand")


def test_includes_happen_only_in_code_blocks():
    fenced = {(fence.page, fence.line + 1) for fence in ALL_FENCES if fence.include}
    for page in pages():
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if INCLUDE.match(line):
                assert (page, number) in fenced, (
                    f"{page.relative_to(ROOT)}:{number}: include outside a code block"
                )


@pytest.mark.parametrize("snippet", snippet_files(), ids=snippet_id)
def test_every_snippet_is_run_and_shown_on_its_page(snippet):
    relative = snippet.relative_to(ROOT).as_posix()
    assert snippet in runnable_snippets() + console_snippets() + diagram_snippets(), (
        f"{relative} is run by no test: a snippet is a Python script "
        "(tests/test_snippets.py), a console transcript (tests/test_console.py) "
        "or a mermaid diagram (drawn by the build) "
        "at snippets/<page>/NN_<what>.py, .console or .mmd"
    )
    assert SNIPPET_NAME.match(snippet.name), (
        f"{relative}: name it NN_<what>{snippet.suffix}"
    )
    page = page_of(snippet)
    assert page.is_file(), f"{relative}: there is no page {page.relative_to(ROOT)}"
    shown_on = {fence.include for fence in fences(page)}
    assert relative in shown_on, f"{relative} is not included on {page.name}"


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.stem)
def test_snippets_are_numbered_in_page_order(page):
    in_order = own_snippets_in_page_order(page)
    numbers = [Path(snippet).name.split("_", 1)[0] for snippet in in_order]
    assert numbers == sorted(set(numbers)), (
        f"{page.relative_to(ROOT)} shows its snippets in the order {numbers}: "
        f"number them in page order with `make renumber PAGE={page.stem}`"
    )


def test_snippets_are_lint_clean_and_formatted():
    # The pinned ruff, configured in pyproject.toml, over all the project's code.
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "."],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("snippet", runnable_snippets(), ids=snippet_id)
def test_every_snippet_says_in_one_line_what_it_shows(snippet):
    docstring = ast.get_docstring(ast.parse(snippet.read_text(encoding="utf-8")))
    assert docstring, f"{snippet.name}: start with a docstring saying what it shows"
    assert "\n" not in docstring.strip(), (
        f"{snippet.name}: keep the docstring to a line"
    )


@pytest.mark.parametrize("snippet", runnable_snippets(), ids=snippet_id)
def test_every_print_writes_one_plain_line(snippet):
    """pytest-examples writes a print()'s output as `#>` lines under it, and it
    mangles the file when a print() passes `end=`, `sep=` or `file=`."""
    tree = ast.parse(snippet.read_text(encoding="utf-8"))
    bent = [
        f"line {call.lineno}: {keyword.arg}="
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "print"
        for keyword in call.keywords
    ]
    assert not bent, (
        f"{snippet_id(snippet)}: {', '.join(bent)}; build the line first and "
        "print it whole, so `make update-examples` can write its output"
    )


@pytest.mark.parametrize("snippet", snippet_files(), ids=snippet_id)
def test_every_snippet_fits_the_width_of_the_page(snippet):
    lines = snippet.read_text(encoding="utf-8").splitlines()
    too_wide = [n for n, line in enumerate(lines, 1) if len(line) > PAGE_COLUMNS]
    assert not too_wide, (
        f"{snippet.relative_to(ROOT)}: lines {too_wide} are wider than "
        f"{PAGE_COLUMNS} columns, and the page shows {PAGE_COLUMNS} columns "
        f"without scrolling (set in {SNIPPET_SETTINGS.relative_to(ROOT)})"
    )


def test_the_contributing_page_states_the_width_the_tests_use():
    text = (DOCS / "contributing.md").read_text(encoding="utf-8")
    stated = {int(number) for number in re.findall(r"\b(\d+) columns\b", text)}
    assert stated == {PAGE_COLUMNS}, (
        f"docs/contributing.md gives the width of a snippet as {sorted(stated)} "
        f"columns; {SNIPPET_SETTINGS.relative_to(ROOT)} sets {PAGE_COLUMNS}"
    )


# Snippets about verification itself, each with its page saying why. Nothing
# else turns verification off: the lab's CA is trusted with verify=LAB_CA_BUNDLE.
VERIFY_FALSE_ALLOWED = {
    # The CVE-2024-35195 proof: a verify=False connection is not reused.
    "snippets/https/04_verify_false_never_lends_its_connection.py",
}
VERIFY_FALSE = re.compile(r"\bverify\s*=\s*False\b")


def test_no_snippet_and_nothing_in_the_lab_turns_verification_off():
    searched = [*snippet_files(), *sorted((ROOT / "lab").rglob("*.py"))]
    assert len(searched) > 10  # guards against searching nothing
    found = [
        f"{relative}:{number}"
        for path in searched
        if (relative := path.relative_to(ROOT).as_posix()) not in VERIFY_FALSE_ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if VERIFY_FALSE.search(line)
    ]
    assert not found, (
        f"verify=False in {', '.join(found)}: trust the lab's CA with "
        "verify=LAB_CA_BUNDLE, or, in a snippet about verification itself, name "
        "it in VERIFY_FALSE_ALLOWED and say why on its page"
    )
