"""Start and stop ``python -m lab`` as a subprocess on a free port.

The test suite's fixtures and ``python -m lab.run`` both use this, so a lab is
always started, waited for and stopped the same way. Another server that
speaks the same way (``--port``, ``--quiet``, a first line "... listening on
URL ...") can be run with it too: ``LabProcess(module="tests.plain_server")``.
"""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
_LISTENING = re.compile(r"\w+ server listening on (http://\S+) ")


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
        module: str = "lab",
    ) -> None:
        self.args = [sys.executable, "-m", module, *args]
        if port is not None:
            self.args += ["--port", str(port)]
        if quiet:
            self.args.append("--quiet")
        self.log = log
        self.output = ""  # stdout after the first line, once stopped
        with log.open("ab") as stderr:
            self.process = subprocess.Popen(
                self.args,
                env=env,
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
