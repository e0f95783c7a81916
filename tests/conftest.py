"""Fixtures shared by the whole suite: the lab server, run as a real subprocess.

- ``lab_url``: one lab per pytest process (so one per xdist worker) for the
  whole session. Its URL is also exported as ``LAB_URL`` for the session, so
  in-process code (``from lab import LAB_URL``, the helpers) talks to it, and
  as ``BASE_URL``, the server a recipe talks to. Its HTTPS address and CA
  certificate are exported too, as ``LAB_HTTPS_URL`` and ``LAB_CA_BUNDLE``.
  ``REQUESTS_CA_BUNDLE`` is not: a snippet that trusts the lab says so
  itself, with ``verify=LAB_CA_BUNDLE``, as a reader's copy of it must.
- ``no_ca_bundle_from_the_shell``: it and ``CURL_CA_BUNDLE`` are removed for
  the whole session, as ``python -m lab.run`` removes them for a snippet (see
  lab.process.CA_BUNDLE_VARIABLES).
- ``start_lab``: a factory for a test that needs a lab of its own, usually with
  extra options: ``start_lab("--header-timeout", "0.5").url``. Every lab it
  starts is stopped when the test ends. It serves HTTP alone unless the test
  asks for ``https=True``. ``start_module_lab`` is the same for a lab that
  the tests of one module share (one per worker that runs them).
- ``real_server``: a real server from servers/registry.py, started the first
  time a test of this process asks for it and reused after, stopped when the
  session ends: ``real_server("haproxy").url`` is HAProxy in front of this
  process's lab, closing a client's idle connection after 1 s (SHORT settings).
  A server that cannot start fails the test with one line that says why.

Each lab listens on a free port (``--port 0``) and logs to a file under the
test's temporary directory; the tail of that log is part of every error.

The site's build and browser pass take longer than anything else: when the run
has a test that needs them, they start with the session, in the background
(``tests/site_pass.py``), and run while the other tests do. So does the short
measurement of the real servers (``tests/matrix_pass.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from lab.process import CA_BUNDLE_VARIABLES, LabProcess
from servers.process import RunningServer, ServerStartError, start
from servers.registry import SERVERS, SHORT, Settings
from tests import site_pass


def _stop_all(labs: list[LabProcess]) -> None:
    """Stop every lab, then fail if one exited badly or logged a traceback."""
    for lab in labs:
        lab.stop()
    if problems := [p for lab in labs if (p := lab.problem())]:
        pytest.fail("\n".join(problems), pytrace=False)


# What a test may wait for, from the first to the last to be ready: the built
# site (seconds into the run), then the browser pass (most of the run).
WAITS_FOR = ("build", "site_in_browser")


@pytest.hookimpl(trylast=True)  # after pytest-randomly has shuffled them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that wait for the site run last, the browser pass's the very last.

    A worker that meets one early waits for the pass, idle, for most of the
    run, while the other worker does the rest alone. Run last, they find it
    done, or nearly. The order among the others stays as it was.
    """

    def waits_for(item: pytest.Item) -> int:
        needs = getattr(item, "fixturenames", ())
        return max([0, *(1 + i for i, name in enumerate(WAITS_FOR) if name in needs)])

    items.sort(key=waits_for)


@pytest.fixture(scope="session", autouse=True)
def no_ca_bundle_from_the_shell() -> Iterator[None]:
    """Every test runs as lab.run runs a snippet: without CA_BUNDLE_VARIABLES."""
    with pytest.MonkeyPatch.context() as env:
        for name in CA_BUNDLE_VARIABLES:
            env.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session", autouse=True)
def site_pass_started_early(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    items = request.session.items
    needed = any("site_in_browser" in item.fixturenames for item in items)
    with site_pass.started_early(tmp_path_factory) if needed else nullcontext():
        yield


@pytest.fixture(scope="session", autouse=True)
def short_matrix_started_early(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """The real servers' short measurement waits seconds for idle connections
    to close: it starts with the session, in the background, as the site does."""
    items = request.session.items
    needed = any("short_matrix" in item.fixturenames for item in items)
    early = site_pass.started_early(tmp_path_factory, module="tests.matrix_pass")
    with early if needed else nullcontext():
        yield


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    lab = LabProcess(log=tmp_path_factory.mktemp("lab") / "lab.log")
    with pytest.MonkeyPatch.context() as env:  # restored after the session
        for name, value in lab.environment().items():
            env.setenv(name, value)
        env.setenv("BASE_URL", lab.url)  # where recipes send their requests
        try:
            yield lab.url
        finally:
            _stop_all([lab])


@contextmanager
def _labs(folder: Path) -> Iterator[Callable[..., LabProcess]]:
    """A factory that starts labs logging into `folder`; all stopped at the end."""
    labs: list[LabProcess] = []

    def start(
        *args: str,
        port: int | None = 0,
        quiet: bool = True,
        env: dict[str, str] | None = None,
        rtt: float = 0.0,
        https: bool = False,  # a CA costs each lab ~0.2 s: only when asked
    ) -> LabProcess:
        log = folder / f"lab-{len(labs) + 1}.log"
        tls_port = 0 if https else None
        lab = LabProcess(
            *args, log=log, port=port, tls_port=tls_port, quiet=quiet, env=env, rtt=rtt
        )
        labs.append(lab)
        return lab

    try:
        yield start
    finally:
        _stop_all(labs)


@pytest.fixture
def start_lab(tmp_path: Path) -> Iterator[Callable[..., LabProcess]]:
    with _labs(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def start_module_lab(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., LabProcess]]:
    with _labs(tmp_path_factory.mktemp("module-lab")) as start:
        yield start


@pytest.fixture(scope="session")
def real_server(lab_url: str) -> Iterator[Callable[..., RunningServer]]:
    started: dict[tuple[str, Settings], RunningServer] = {}

    def get(name: str, settings: Settings = SHORT) -> RunningServer:
        if (name, settings) not in started:
            try:
                server = start(SERVERS[name], settings, backend=lab_url)
            except ServerStartError as error:
                pytest.fail(str(error), pytrace=False)
            started[name, settings] = server
        return started[name, settings]

    try:
        yield get
    finally:
        for server in started.values():
            server.stop()
