"""Run every snippet against the lab and check the output it shows on its page.

Each snippet is a complete script. The `#>` comments under its `print()` calls
are the output the page shows; pytest-examples checks them against a fresh run.
`pytest tests/test_snippets.py --update-examples` (or `make update-examples`)
rewrites them instead.

When the output differs, the snippet runs a second time. If the two runs print
different things, the snippet prints something unstable (a port, a time), and
the failure says so instead of showing a diff that would look like a flaky test.
"""

import gc
import logging
import socket
import sys
import textwrap
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import NamedTuple

import pytest
import requests
from pytest_examples import CodeExample, EvalExample, run_code

from tests.docs_tree import (
    PAGE_COLUMNS,
    ROOT,
    recipe_snippets,
    runnable_snippets,
    snippet_id,
)

RECIPES = set(recipe_snippets())


class _PrintCaller(NamedTuple):
    """What pytest-examples reads of the frame that called print()."""

    frame: FrameType
    filename: str


def _find_the_caller_cheaply(self, *args, sep=" ", **kwargs):
    """pytest-examples' print() (MockPrintFunction.__call__), minus its cost.

    It found its caller with inspect.stack(), which reads the source of every
    frame on the stack: about 60 ms of CPU per print() under pytest, most of
    the suite's time in the snippets. It reads two things of that frame, its
    file and the frame itself, and this gives it just those.
    """
    frame = sys._getframe(run_code.parent_frame_id)
    caller = _PrintCaller(frame, frame.f_code.co_filename)
    if self._include_file(caller, args):
        line = self._find_line_number(caller)
        self.statements.append(
            run_code.PrintStatement(line, sep, [run_code.Arg(a) for a in args])
        )


run_code.MockPrintFunction.__call__ = _find_the_caller_cheaply


def _logging_state():
    """Handlers, levels and flags of every logger, to undo a snippet's setup."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [
        (logger, list(logger.handlers), logger.level, logger.propagate)
        for logger in loggers
    ]


def _restore_logging(state):
    for logger, handlers, level, propagate in state:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def _shown(snippet: Path) -> str:
    """The snippet's path as a contributor types it."""
    return str(snippet.relative_to(ROOT) if snippet.is_relative_to(ROOT) else snippet)


def _where(exc: BaseException, snippet: Path) -> str:
    """`file:line` of the deepest frame of the snippet itself, for the report."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).name == snippet.name:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f"{_shown(snippet)}:{line}" if line else _shown(snippet)


@pytest.fixture
def isolated():
    """Undo what a snippet changes in this process, and catch what it leaks.

    Calling it undoes a run, so that a second run starts where the first did.
    """
    logging_state = _logging_state()
    main_module = sys.modules["__main__"]
    threads_before = set(threading.enumerate())

    def undo():
        _restore_logging(logging_state)
        sys.modules["__main__"] = main_module

    # Everything alive now is the suite's, not the snippet's: set it aside, so
    # that the collection below looks only at what the snippet made.
    gc.freeze()
    yield undo
    # The snippet ran as __main__: drop that module, and with it everything the
    # snippet kept, then collect, so an unclosed socket warns now, in this test.
    undo()
    unclosed = unclosed_since_freeze()
    assert not unclosed, f"the snippet left these open: {unclosed}"
    leaked = [t for t in threading.enumerate() if t not in threads_before]
    assert not leaked, f"the snippet left threads running: {leaked}"


def unclosed_since_freeze() -> list[str]:
    """What became garbage since gc.freeze() and warned that it was left open.

    A full collection also walks every object of the test process, about 70 ms
    each time, a third of the snippets' CPU. gc.freeze() set those aside; this
    collects the rest, then puts them back, for the process's own collections.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    gc.unfreeze()
    return [str(w.message) for w in caught if w.category is ResourceWarning]


def _differs(eval_example: EvalExample, example: CodeExample) -> str | None:
    """Run the snippet; the diff pytest-examples shows if it printed otherwise."""
    try:
        eval_example.run_print_check(example)
    except pytest.fail.Exception as failed:
        return failed.msg
    return None


def _changed_lines(diff: str, side: str) -> str:
    """One side's changed lines in a diff: "+" what was printed, "-" the page."""
    lines = (line.strip() for line in diff.splitlines())
    changed = [line[1:] for line in lines if line[:1] == side and line[:3] != side * 3]
    return textwrap.indent(textwrap.dedent("\n".join(changed)), "    ")


def check_snippet(snippet: Path, eval_example: EvalExample, lab_url: str, undo):
    """Run a snippet against the lab: None if it printed what it shows, or why not."""
    # Long `#>` output is wrapped to the page's width, as ruff checks the code.
    eval_example.set_config(line_length=PAGE_COLUMNS, target_version="py311")
    example = CodeExample.create(snippet.read_text(encoding="utf-8"), path=snippet)
    # Leave traffic on the lab's counters first: a snippet that prints them
    # must reset them itself, as a reader running it by hand would need.
    requests.get(lab_url, timeout=5)
    first = second = None
    try:
        if eval_example.update_examples:
            eval_example.run_print_update(example)
        elif first := _differs(eval_example, example):
            undo()
            requests.get(lab_url, timeout=5)
            second = _differs(eval_example, example)
    except Exception as exc:
        # On Python 3.11, pytest-examples crashes pytest (INTERNALERROR) when it
        # formats the traceback of an exception raised inside an example. Return
        # one line naming the snippet's line; the test fails with it outside
        # this except block.
        return f"{_where(exc, snippet)}: {type(exc).__name__}: {exc}"
    if first and second == first:
        return (
            f"{_shown(snippet)} no longer prints what its #> lines show, and a "
            "second run agrees. If the new output is right, run `make "
            f"update-examples SNIPPET={_shown(snippet)}` and review the diff.\n{first}"
        )
    if first:
        # What the second run printed: its own changes, or the page if none.
        again = _changed_lines(second, "+") if second else _changed_lines(first, "-")
        return (
            f"{_shown(snippet)} prints something unstable: run twice, it printed\n"
            f"  the first time:\n{_changed_lines(first, '+')}\n"
            f"  the second time:\n{again}\n"
            "A snippet must print only stable facts (counts, booleans, header "
            "lines), never ports, timings or addresses."
        )
    return None


@pytest.mark.parametrize("snippet", runnable_snippets(), ids=snippet_id)
def test_snippet(
    snippet: Path,
    eval_example: EvalExample,
    lab_url: str,
    isolated,
    monkeypatch: pytest.MonkeyPatch,
):
    if snippet in RECIPES:
        # A recipe runs here over HTTPS, learning the lab's CA the way a
        # reader's deployment tells it (REQUESTS_CA_BUNDLE, or CA_BUNDLE for a
        # recipe that names its CA on each call); tests/test_recipes.py runs it
        # over HTTP against a server that is not the lab.
        import lab

        monkeypatch.setenv("BASE_URL", lab.LAB_HTTPS_URL)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", lab.LAB_CA_BUNDLE)
        monkeypatch.setenv("CA_BUNDLE", lab.LAB_CA_BUNDLE)
    if failure := check_snippet(snippet, eval_example, lab_url, undo=isolated):
        pytest.fail(failure, pytrace=False)


def test_a_socket_left_open_in_a_cycle_is_found():
    """What the snippets' check of unclosed sockets rests on."""

    class Holder:
        pass

    gc.freeze()
    holder = Holder()
    holder.itself, holder.sock = holder, socket.socket()
    del holder  # garbage now, but only a collection finds it: it is in a cycle
    assert any("unclosed <socket.socket" in found for found in unclosed_since_freeze())


# A number that changes on every run, as a port or a timing does.
UNSTABLE_SNIPPET = """\"\"\"Prints a new number on every run.\"\"\"

import time

print(time.perf_counter_ns())
#> 1
"""


def test_an_unstable_output_fails_as_such(tmp_path, eval_example, lab_url, isolated):
    if eval_example.update_examples:
        pytest.skip("checks the harness, not a snippet")
    snippet = tmp_path / "01_prints_a_timing.py"
    snippet.write_text(UNSTABLE_SNIPPET, encoding="utf-8")
    failure = check_snippet(snippet, eval_example, lab_url, undo=isolated)
    assert failure
    assert "prints something unstable: run twice, it printed" in failure
    assert "never ports, timings or addresses" in failure


def test_a_changed_but_stable_output_shows_the_diff(
    tmp_path, eval_example, lab_url, isolated
):
    if eval_example.update_examples:
        pytest.skip("checks the harness, not a snippet")
    snippet = tmp_path / "01_prints_two.py"
    snippet.write_text('"""Prints 2."""\n\nprint(2)\n#> 1\n', encoding="utf-8")
    failure = check_snippet(snippet, eval_example, lab_url, undo=isolated)
    assert failure
    assert "no longer prints what its #> lines show, and a second run agrees" in failure
    assert "-#> 1" in failure
    assert "+#> 2" in failure
