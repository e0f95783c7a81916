"""Fixtures shared by the whole suite: the lab server, run as a real subprocess.

- ``lab_url``: one lab per pytest process (so one per xdist worker) for the
  whole session. Its URL is also exported as ``LAB_URL`` for the session, so
  in-process code (``from lab import LAB_URL``, the helpers) talks to it.
- ``start_lab``: a factory for a test that needs a lab of its own, usually with
  extra options: ``start_lab("--header-timeout", "0.5").url``. Every lab it
  starts is stopped when the test ends.

Each lab listens on a free port (``--port 0``) and logs to a file under the
test's temporary directory; the tail of that log is part of every error.
"""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
_LISTENING = re.compile(r"Lab server listening on (http://\S+) ")


class LabProcess:
    """``python -m lab`` in a subprocess; started by the constructor.

    stdout is a pipe (the first line gives the URL); stderr goes to a log file,
    so a chatty lab can never block on a full pipe.
    """

    def __init__(
        self,
        *args: str,
        log: Path,
        port: int | None = 0,
        quiet: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.args = [sys.executable, "-m", "lab", *args]
        if port is not None:
            self.args += ["--port", str(port)]
        if quiet:
            self.args.append("--quiet")
        self.log = log
        self.output = ""  # stdout after the first line, once stopped
        with log.open("ab") as stderr:
            self.process = subprocess.Popen(
                self.args,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        first_line = self._first_line()
        if not (match := _LISTENING.match(first_line)):
            self.stop()
            raise RuntimeError(
                f"the lab did not start: {first_line!r}{self.log_tail()}"
            )
        self.url = match.group(1)

    def _first_line(self) -> str:
        # readline() has no timeout, but a helper thread can be left behind.
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(
            target=lambda: lines.put(stdout.readline()), daemon=True
        ).start()
        try:
            return lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            return f"(nothing within {START_TIMEOUT:g} s)"

    def stop(self) -> int:
        """SIGTERM, SIGKILL if it is still running after STOP_TIMEOUT; exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        self.output += output or ""
        return self.process.returncode

    def log_tail(self, size: int = 3000) -> str:
        text = self.log.read_text(errors="replace")[-size:]
        return f"\n--- lab log ({self.log}) ---\n{text}"

    def problem(self) -> str | None:
        """After stop(): why this lab counts as broken, if it does."""
        if self.process.returncode != 0:
            return f"the lab exited with {self.process.returncode}{self.log_tail()}"
        if "Traceback" in self.log.read_text(errors="replace"):
            return f"the lab logged a traceback{self.log_tail()}"
        return None


def _stop_all(labs: list[LabProcess]) -> None:
    """Stop every lab, then fail if one exited badly or logged a traceback."""
    for lab in labs:
        lab.stop()
    if problems := [p for lab in labs if (p := lab.problem())]:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    lab = LabProcess(log=tmp_path_factory.mktemp("lab") / "lab.log")
    with pytest.MonkeyPatch.context() as env:  # restored after the session
        env.setenv("LAB_URL", lab.url)
        try:
            yield lab.url
        finally:
            _stop_all([lab])


@pytest.fixture
def start_lab(tmp_path: Path) -> Iterator[Callable[..., LabProcess]]:
    labs: list[LabProcess] = []

    def start(
        *args: str,
        port: int | None = 0,
        quiet: bool = True,
        env: dict[str, str] | None = None,
    ) -> LabProcess:
        log = tmp_path / f"lab-{len(labs) + 1}.log"
        labs.append(LabProcess(*args, log=log, port=port, quiet=quiet, env=env))
        return labs[-1]

    try:
        yield start
    finally:
        _stop_all(labs)
