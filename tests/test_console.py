"""Replay every console session in snippets/ and check what each command prints.

A console snippet (`NN_<what>.console`) is a transcript: each `$ command` line is
followed by the output the page shows. Each command runs in bash from the
repository root, as a reader would type it, and must print exactly that and
exit 0. `--update-examples` rewrites the transcripts from a fresh run instead.
"""

import difflib
import os
import subprocess
from pathlib import Path

import pytest

from tests.docs_tree import PAGE_COLUMNS, ROOT, console_snippets, snippet_id

PROMPT = "$ "
# A reader's shell has none of these. The LAB_ ones point at the suite's own
# lab; the make variables would make a nested `make` announce "Entering directory".
NOT_IN_A_READERS_SHELL = {
    "LAB_URL",
    "LAB_HTTPS_URL",
    "LAB_CA_BUNDLE",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}


def transcript_steps(text: str) -> list[tuple[str, str]]:
    """The (command, output) pairs of a transcript."""
    steps: list[tuple[str, str]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith(PROMPT):
            steps.append((line.removeprefix(PROMPT).rstrip("\n"), ""))
        elif steps:
            steps[-1] = (steps[-1][0], steps[-1][1] + line)
        else:
            raise ValueError(f"a transcript starts with a command: {PROMPT}...")
    return steps


def run_like_a_reader(command: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_A_READERS_SHELL}
    # Help texts wrap to the terminal: make it as wide as the page.
    env["COLUMNS"] = str(PAGE_COLUMNS)
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"`{command}` exited {result.returncode}:\n{result.stdout}"
    )
    return result.stdout


@pytest.mark.parametrize("transcript", console_snippets(), ids=snippet_id)
def test_console_snippet(transcript: Path, request: pytest.FixtureRequest):
    expected = transcript.read_text(encoding="utf-8")
    actual = "".join(
        f"{PROMPT}{command}\n{run_like_a_reader(command)}"
        for command, _ in transcript_steps(expected)
    )
    if request.config.getoption("update_examples"):
        transcript.write_text(actual, encoding="utf-8")
    elif actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            "on the page",
            "printed now",
        )
        relative = transcript.relative_to(ROOT)
        pytest.fail(f"{relative} no longer matches:\n{''.join(diff)}", pytrace=False)


def test_transcripts_must_start_with_a_command():
    with pytest.raises(ValueError, match="starts with a command"):
        transcript_steps("output without a command\n")
    assert transcript_steps("$ true\n$ echo a\na\n") == [
        ("true", ""),
        ("echo a", "a\n"),
    ]
