"""The keep-alive matrix, measured with short settings: once per test run.

`make matrix` measures the real servers with their real defaults, which takes
minutes. Here the same code (tools/matrix.py) measures every server with
servers.registry.SHORT settings and short waits, in seconds, and runs the
page's recipe against each. tests/test_keepalive_matrix.py checks the result.
Its waits are long next to most tests', so tests/conftest.py starts it in a
process of its own as the session starts, as it does the site's browser pass.
"""

import contextlib
import dataclasses
import functools
import io
import os
import runpy
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lab.process import LabProcess
from servers.process import ServerStartError, running
from servers.registry import SERVERS, SHORT, haproxy_command
from tests.docs_tree import SNIPPETS
from tests.site_pass import once_per_run
from tests.test_snippets import _logging_state, _restore_logging
from tools.matrix import QUICK, measure

RECIPE = SNIPPETS / "keep-alive-matrix" / "00_recipe_count_the_connections.py"
# How much later than its setting a server may close an idle connection, in
# seconds: waitress looks once a second here, and Node adds a second.
IDLE_SLACK = 2.0
# HAProxy with `timeout http-keep-alive` and no `timeout client`, watched this
# long for a close: as long as any other server may take with SHORT settings.
ALONE = dataclasses.replace(
    SERVERS["haproxy"],
    name="haproxy-without-client-timeout",
    command=functools.partial(haproxy_command, client_timeout=None),
)
ALONE_WATCH = dataclasses.replace(QUICK, idle_wait=SHORT.idle_timeout + IDLE_SLACK)


def run_recipe(url: str) -> str:
    """What the page's recipe prints with BASE_URL set to `url`."""
    printed = io.StringIO()
    before = os.environ.get("BASE_URL")
    os.environ["BASE_URL"] = url
    logging_before = _logging_state()  # the recipe sets up urllib3's log
    try:
        with contextlib.redirect_stdout(printed):
            runpy.run_path(str(RECIPE), run_name="__main__")
    except Exception as error:  # one line for the test that reads it
        return f"{type(error).__name__}: {error}"
    finally:
        _restore_logging(logging_before)
        if before is None:
            del os.environ["BASE_URL"]
        else:
            os.environ["BASE_URL"] = before
    return printed.getvalue().strip()


def measure_short(folder: Path) -> dict:
    """Every server's cells with SHORT settings, what the recipe prints against
    it, and ALONE's idle close."""
    lab = LabProcess(log=folder / "lab.log")  # the back end for HAProxy
    try:
        with running([*SERVERS.values(), ALONE], SHORT, backend=lab.url) as started:
            alone = {ALONE.name: started[ALONE.name]}
            others = {name: started[name] for name in SERVERS}
            with ThreadPoolExecutor(1) as pool:
                watched = pool.submit(measure, alone, ALONE_WATCH, ("idle",))
                cells = measure(others, QUICK)
                alone_cells = watched.result()[ALONE.name]
            recipe = {
                name: run_recipe(server.url)
                for name, server in others.items()
                if not isinstance(server, ServerStartError)
            }
    finally:
        lab.stop()
    return {"servers": cells, "recipe": recipe, "alone": alone_cells}


def short_matrix(root: Path) -> dict:
    """The short measurement of this test run, made once: see once_per_run."""
    return once_per_run(root, "short-matrix", measure_short)[0]


if __name__ == "__main__":  # tests/conftest.py starts this early
    short_matrix(Path(sys.argv[1]))
