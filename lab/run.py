"""Run one snippet against a lab of its own, in one command.

    python -m lab.run snippets/sessions/02_a_session_reuses_one_connection.py
    python -m lab.run --rtt 50ms snippets/...

It starts a lab on free loopback ports, runs the snippet with LAB_URL,
LAB_HTTPS_URL and LAB_CA_BUNDLE pointing at it, stops the lab, and exits with
the snippet's exit code. Any lab already running on the default ports is left
alone. ``--rtt`` makes every round trip to the lab take that long.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from lab.delay import rtt_argument
from lab.process import LabProcess


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lab.run",
        description="Run a snippet against a lab server of its own.",
    )
    parser.add_argument(
        "snippet", type=Path, help="a snippet, such as snippets/…/01_….py"
    )
    parser.add_argument(
        "--rtt",
        type=rtt_argument,
        default=0.0,
        metavar="T",
        help="emulate a round-trip time T such as 50ms or 0.05s (default: 0)",
    )
    args = parser.parse_args(argv)
    if not args.snippet.is_file():
        parser.exit(2, f"python -m lab.run: error: no such file: {args.snippet}\n")

    with tempfile.TemporaryDirectory(prefix="lab-run-") as folder:
        lab = LabProcess(log=Path(folder) / "lab.log", rtt=args.rtt)
        try:
            # Proofs find the lab through LAB_URL; recipes, any server, BASE_URL.
            env = {**lab.snippet_environment(os.environ), "BASE_URL": lab.url}
            return subprocess.run(
                [sys.executable, str(args.snippet)], env=env
            ).returncode
        except KeyboardInterrupt:
            return 130
        finally:
            lab.stop()


if __name__ == "__main__":
    sys.exit(main())
