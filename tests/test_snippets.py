"""Run every snippet against the lab and check the output it shows on its page.

Each snippet is a complete script. The `#>` comments under its `print()` calls
are the output the page shows; pytest-examples checks them against a fresh run.
`pytest tests/test_snippets.py --update-examples` (or `make update-examples`)
rewrites them instead.
"""

import gc
import logging
import sys
import threading
import warnings
from pathlib import Path

import pytest
import requests
from pytest_examples import CodeExample, EvalExample

from tests.docs_tree import PAGE_COLUMNS, ROOT, runnable_snippets, snippet_id


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


def _where(exc: BaseException, snippet: Path) -> str:
    """`file:line` of the deepest frame of the snippet itself, for the report."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).name == snippet.name:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    relative = snippet.relative_to(ROOT)
    return f"{relative}:{line}" if line else str(relative)


@pytest.fixture
def isolated():
    """Undo what a snippet changes in this process, and catch what it leaks."""
    logging_state = _logging_state()
    main_module = sys.modules["__main__"]
    threads_before = set(threading.enumerate())
    yield
    _restore_logging(logging_state)
    # The snippet ran as __main__: drop that module, and with it everything the
    # snippet kept, then collect, so an unclosed socket warns now, in this test.
    sys.modules["__main__"] = main_module
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    unclosed = [str(w.message) for w in caught if w.category is ResourceWarning]
    assert not unclosed, f"the snippet left these open: {unclosed}"
    leaked = [t for t in threading.enumerate() if t not in threads_before]
    assert not leaked, f"the snippet left threads running: {leaked}"


@pytest.mark.parametrize("snippet", runnable_snippets(), ids=snippet_id)
def test_snippet(snippet: Path, eval_example: EvalExample, lab_url: str, isolated):
    # Long `#>` output is wrapped to the page's width, as ruff checks the code.
    eval_example.set_config(line_length=PAGE_COLUMNS, target_version="py311")
    # Leave traffic on the lab's counters first: a snippet that prints them
    # must reset them itself, as a reader running it by hand would need.
    requests.get(lab_url, timeout=5)

    example = CodeExample.create(snippet.read_text(encoding="utf-8"), path=snippet)
    failure = None
    try:
        if eval_example.update_examples:
            eval_example.run_print_update(example)
        else:
            eval_example.run_print_check(example)
    except Exception as exc:  # reported below: see the comment there
        failure = f"{_where(exc, snippet)}: {type(exc).__name__}: {exc}"
    # On Python 3.11, pytest-examples crashes pytest (INTERNALERROR) when it
    # formats the traceback of an exception raised inside an example. Report the
    # failure as one line, outside the except block, naming the snippet's line.
    if failure:
        pytest.fail(failure, pytrace=False)
