"""Number a page's snippets in the order the page shows them, and fix every mention.

    python -m tools.renumber sessions        (or: make renumber PAGE=sessions)

To insert a code block mid-page, write the snippet under the number of the block
it follows, include it where it belongs, and run this: it renames the page's
snippets to 01, 02, ... in page order, from 00 if a recipe opens the page
(`git mv` for tracked files), and rewrites
every mention of an old name, on any page and in any file git sees. It prints
each rename and each file it rewrote. Run it again and it changes nothing.

It checks everything before it touches anything: a page that does not exist, a
snippet the page does not show, or an include of a missing file stops it with a
message, and leaves every file as it was.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

from tests.docs_tree import (
    DOCS,
    ROOT,
    SNIPPET_NAME,
    SNIPPETS,
    own_snippets_in_page_order,
)

RECIPE_NAME = re.compile(r"^\d{2}_recipe_")


class RenumberError(Exception):
    """Bad input: reported in one line, and nothing has been changed."""


def new_names(page: Path, snippets: Path) -> dict[str, str]:
    """Old file name -> new file name for each of the page's snippets that moves."""
    folder = snippets / page.stem
    shown = [Path(include).name for include in own_snippets_in_page_order(page)]
    for name in shown:
        if not (folder / name).is_file():
            raise RenumberError(f"{page.name} includes {name}, not in {folder}")
    files = sorted(path.name for path in folder.glob("*") if path.is_file())
    if not_shown := sorted(set(files) - set(shown)):
        raise RenumberError(
            f"{page.name} does not show {', '.join(not_shown)}: "
            "include each where it belongs, or delete it, then run this again"
        )
    if badly_named := [name for name in shown if not SNIPPET_NAME.match(name)]:
        raise RenumberError(
            f"name each NN_<what>.py, .console or .mmd: {', '.join(badly_named)}"
        )
    if len(shown) > 99:
        raise RenumberError(f"{page.name} shows {len(shown)} snippets; 99 at most")
    # A recipe that opens the page is 00: the proofs count from 01.
    first = 0 if shown and RECIPE_NAME.match(shown[0]) else 1
    renames = {
        name: f"{number:02d}_{name.split('_', 1)[1]}"
        for number, name in enumerate(shown, first)
    }
    return {old: new for old, new in renames.items() if old != new}


def files_git_sees(root: Path) -> list[Path]:
    """Tracked and untracked files, without what .gitignore ignores."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if listed.returncode != 0:
        raise RenumberError(f"git ls-files failed in {root}: {listed.stderr.strip()}")
    paths = {root / name for name in listed.stdout.split("\0") if name}
    return sorted(path for path in paths if path.is_file())


def rewritten_texts(
    root: Path, prefix: str, renames: dict[str, str]
) -> dict[Path, str]:
    """The new text of every file that mentions a renamed snippet."""
    name = r"(\d{2}_[a-z0-9_]+\.(?:py|console|mmd))(?!\w)"
    mention = re.compile(re.escape(prefix) + name)

    def renamed(match: re.Match[str]) -> str:
        name = match[1]
        return prefix + renames.get(name, name)

    texts = {}
    for path in files_git_sees(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # not text: it cannot mention a snippet
        new_text = mention.sub(renamed, text)
        if new_text != text:
            texts[path] = new_text
    return texts


def is_tracked(root: Path, path: Path) -> bool:
    result = subprocess.run(
        ["git", "ls-files", "--error-unmatch", str(path)],
        cwd=root,
        capture_output=True,
        timeout=30,
    )
    return result.returncode == 0


def move(root: Path, source: Path, target: Path) -> None:
    if is_tracked(root, source):
        subprocess.run(
            ["git", "mv", str(source), str(target)], cwd=root, check=True, timeout=30
        )
    else:
        source.rename(target)


def renumber(page_name: str, root: Path = ROOT) -> list[str]:
    """Renumber one page's snippets; return what was done, one line each."""
    docs, snippets = root / DOCS.name, root / SNIPPETS.name
    page = docs / f"{page_name}.md"
    if not page.is_file():
        known = ", ".join(sorted(path.stem for path in docs.glob("*.md")))
        raise RenumberError(f"no page {page.relative_to(root)}; pages: {known}")
    renames = new_names(page, snippets)
    if not renames:
        return []
    folder = snippets / page.stem
    prefix = f"{snippets.name}/{page.stem}/"
    moved = {folder / old: folder / new for old, new in renames.items()}
    # A renamed snippet may mention itself or a sibling: write it at its new name.
    texts = {
        moved.get(path, path): text
        for path, text in rewritten_texts(root, prefix, renames).items()
    }

    # In two steps, through temporary names: 01 -> 02 and 02 -> 01 both work.
    for old in renames:
        move(root, folder / old, folder / f".renumbering-{old}")
    for old, new in renames.items():
        move(root, folder / f".renumbering-{old}", folder / new)
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")

    done = [f"renamed {prefix}{old} -> {new}" for old, new in renames.items()]
    return done + [f"rewrote {path.relative_to(root)}" for path in texts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.renumber",
        description="Number a page's snippets 01, 02, ... in the order it shows "
        "them, and rewrite every include and mention of the old names.",
    )
    parser.add_argument("page", help="the page's name: docs/<page>.md")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository (default: this one)"
    )
    args = parser.parse_args(argv)
    try:
        done = renumber(args.page, args.root.resolve())
    except RenumberError as error:
        print(f"renumber: {error}; nothing was changed", file=sys.stderr)
        return 2
    print("\n".join(done) if done else f"{args.page}: already numbered in page order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
