"""Start and stop ``python -m lab`` as a subprocess on a free port.

The test suite's fixtures and ``python -m lab.run`` both use this, so a lab is
always started, waited for and stopped the same way. Each lab writes its CA
certificate to a file of its own, next to its log, and ``environment()`` gives
the variables that point a snippet at it: LAB_URL, LAB_HTTPS_URL and
LAB_CA_BUNDLE. Another server that speaks the same way (``--port``,
``--quiet``, a first line "... listening on URL ...") can be run with it too:
``LabProcess(module="tests.plain_server", tls_port=None)``, where
``tls_port=None`` passes ``--no-https``.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from lab import lab_environment

# requests reads these on every request, and a CA bundle named there replaces
# a Session's `verify=`. Some machines set them in every shell (this project's
# does): a snippet run by the tests or by lab.run gets neither, so that what
# it prints does not depend on the shell it was started from.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
_LISTENING = re.compile(r"\w+ server listening on (http://\S+) (?:and (https://\S+) )?")


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
        tls_port: int | None = 0,
        rtt: float = 0.0,
        quiet: bool = True,
        env: dict[str, str] | None = None,
        module: str = "lab",
    ) -> None:
        self.args = [sys.executable, "-m", module, *args]
        if port is not None:
            self.args += ["--port", str(port)]
        # No HTTPS spares a lab the making of a CA: about 0.2 s of CPU.
        self.args += (
            ["--no-https"] if tls_port is None else ["--tls-port", str(tls_port)]
        )
        if rtt:
            self.args += ["--rtt", f"{rtt!r}s"]
        if quiet:
            self.args.append("--quiet")
        self.log = log
        self.ca_bundle = log.with_name(f"{log.stem}-ca.pem")
        self.output = ""  # stdout after the first line, once stopped
        self._first: queue.Queue[str] = queue.Queue()
        self._rest: list[str] = []
        self._done = threading.Event()
        with log.open("ab") as stderr:
            self.process = subprocess.Popen(
                self.args,
                env={**(os.environ if env is None else env), **self._own_ca()},
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        first_line = self._first_line()
        if not (match := _LISTENING.match(first_line)):
            self.stop()
            raise RuntimeError(
                f"{module} did not start: {first_line!r}{self.log_tail()}"
            )
        self.url = match.group(1)
        self.https_url = match.group(2)  # None for a server without HTTPS

    def _own_ca(self) -> dict[str, str]:
        # Never the default file, nor another lab's: each lab makes a new CA.
        return {"LAB_CA_BUNDLE": str(self.ca_bundle)}

    def environment(self) -> dict[str, str]:
        """LAB_URL, and LAB_HTTPS_URL and LAB_CA_BUNDLE if it serves HTTPS."""
        return lab_environment(self.url, self.https_url, self.ca_bundle)

    def snippet_environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """`base` for a snippet run against this lab: with environment(), and
        without CA_BUNDLE_VARIABLES."""
        kept = {k: v for k, v in base.items() if k not in CA_BUNDLE_VARIABLES}
        return {**kept, **self.environment()}

    def _first_line(self) -> str:
        # readline() has no timeout, so a thread reads stdout: all of it, to
        # its end, so that nothing else reads it and the lab never blocks on it.
        threading.Thread(target=self._read_stdout, daemon=True).start()
        try:
            return self._first.get(timeout=START_TIMEOUT)
        except queue.Empty:
            return f"(nothing within {START_TIMEOUT:g} s)"

    def _read_stdout(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        with stdout:
            self._first.put(stdout.readline())
            self._rest.extend(stdout)
        self._done.set()

    def stop(self) -> int:
        """SIGTERM, SIGKILL if it is still running after STOP_TIMEOUT; exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._done.wait(STOP_TIMEOUT)  # the end of its stdout
        self.output = "".join(self._rest)
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
