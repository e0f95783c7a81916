"""Run one snippet against a lab of its own, in one command.

    python -m lab.run snippets/sessions/02_a_session_reuses_one_connection.py

It starts a lab on a free loopback port, runs the snippet with LAB_URL pointing
at it, stops the lab, and exits with the snippet's exit code. Any lab already
running on the default port is left alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from lab.process import LabProcess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.run",
        description="Run a snippet against a lab server of its own.",
    )
    parser.add_argument(
        "snippet", type=Path, help="a snippet, such as snippets/…/01_….py"
    )
    args = parser.parse_args(argv)
    if not args.snippet.is_file():
        parser.exit(2, f"python -m lab.run: error: no such file: {args.snippet}\n")

    with tempfile.TemporaryDirectory(prefix="lab-run-") as folder:
        lab = LabProcess(log=Path(folder) / "lab.log")
        try:
            # Proofs find the lab through LAB_URL; recipes, any server, BASE_URL.
            env = {**os.environ, "LAB_URL": lab.url, "BASE_URL": lab.url}
            return subprocess.run(
                [sys.executable, str(args.snippet)], env=env
            ).returncode
        except KeyboardInterrupt:
            return 130
        finally:
            lab.stop()


if __name__ == "__main__":
    sys.exit(main())
