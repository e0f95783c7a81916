"""The data files that `make matrix` and `make bench` measure, and commit.

Both commands take `--output` for where to write, and write the file whole or
not at all: a run stopped halfway leaves the last measured file as it was.
"""

import argparse
from pathlib import Path


def add_output_option(parser: argparse.ArgumentParser, default: Path) -> None:
    """`--output FILE.json`, refused with a clear error if it is not one."""

    def json_file(value: str) -> Path:
        path = Path(value)
        if path.is_dir() or path.suffix != ".json":
            raise argparse.ArgumentTypeError(f"must name a .json file, not {path}")
        return path

    parser.add_argument("--output", type=json_file, default=default, help="%(default)s")


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` in one step: a partial file, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
