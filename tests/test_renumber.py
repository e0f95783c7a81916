"""`make renumber PAGE=...` (tools/renumber.py), run on a small guide in a temporary git
repository: one page gains a block mid-page, and another page shows its snippets."""

import subprocess
from pathlib import Path

import pytest

from tools.renumber import main

PAGE = """# Demo

```python
--8<-- "snippets/demo/01_first.py"
```

```python
--8<-- "snippets/demo/01_inserted.py"
```

```console
--8<-- "snippets/demo/02_second.console"
```

Shown again, and a section of it:

```python
--8<-- "snippets/demo/01_first.py"
```

```python
--8<-- "snippets/demo/02_second.console:part"
```
"""
OTHER_PAGE = """# Other

```python
--8<-- "snippets/other/01_own.py"
```

```python
--8<-- "snippets/demo/01_inserted.py"
```
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout


@pytest.fixture
def guide(tmp_path: Path) -> Path:
    files = {
        "docs/demo.md": PAGE,
        "docs/other.md": OTHER_PAGE,
        "snippets/demo/01_first.py": "print(1)\n",
        "snippets/demo/02_second.console": "$ true\n",
        "snippets/other/01_own.py": "print(3)\n",
        "README.md": "Run snippets/demo/02_second.console by hand.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "guide")
    # The new block: written, included, not yet known to git.
    (tmp_path / "snippets/demo/01_inserted.py").write_text("print(2)\n")
    return tmp_path


def tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def test_renumber_follows_the_page_and_rewrites_every_mention(guide, capsys):
    assert main(["--root", str(guide), "demo"]) == 0
    printed = capsys.readouterr().out
    assert "renamed snippets/demo/01_inserted.py -> 02_inserted.py" in printed
    assert "renamed snippets/demo/02_second.console -> 03_second.console" in printed

    assert sorted(path.name for path in (guide / "snippets/demo").iterdir()) == [
        "01_first.py",
        "02_inserted.py",
        "03_second.console",
    ]
    page = (guide / "docs/demo.md").read_text()
    assert page == (
        PAGE.replace("demo/02_second", "demo/03_second").replace(
            "demo/01_inserted", "demo/02_inserted"
        )
    )
    other = (guide / "docs/other.md").read_text()
    assert other == OTHER_PAGE.replace("demo/01_inserted", "demo/02_inserted")
    readme = (guide / "README.md").read_text()
    assert readme == "Run snippets/demo/03_second.console by hand.\n"
    # git sees the tracked snippet as moved, so `git status` shows the rename.
    assert "R  snippets/demo/02_second.console -> snippets/demo/03_second.console" in (
        git(guide, "status", "--short")
    )


def test_renumber_twice_changes_nothing_the_second_time(guide, capsys):
    assert main(["--root", str(guide), "demo"]) == 0
    before = tree(guide)
    assert main(["--root", str(guide), "demo"]) == 0
    assert tree(guide) == before
    assert "demo: already numbered in page order" in capsys.readouterr().out


def test_renumber_swaps_two_snippets_of_the_same_name(guide):
    # A copy, 02_own.py, shown above 01_own.py: the two files trade names.
    (guide / "snippets/other/02_own.py").write_text("print(4)\n")
    first, copy = "snippets/other/01_own.py", "snippets/other/02_own.py"
    (guide / "docs/other.md").write_text(
        f'```python\n--8<-- "{copy}"\n```\n\n```python\n--8<-- "{first}"\n```\n'
    )
    assert main(["--root", str(guide), "other"]) == 0
    assert (guide / first).read_text() == "print(4)\n"
    assert (guide / copy).read_text() == "print(3)\n"
    shown = (guide / "docs/other.md").read_text()
    assert shown.index(first) < shown.index(copy)


@pytest.mark.parametrize(
    "mistake, error",
    [
        ({"docs/demo.md": None}, "no page docs/demo.md; pages: other"),
        (
            {"snippets/demo/05_unshown.py": "print(5)\n"},
            "demo.md does not show 05_unshown.py",
        ),
        (
            {
                "docs/demo.md": PAGE
                + '\n```python\n--8<-- "snippets/demo/09_gone.py"\n```'
            },
            "demo.md includes 09_gone.py, not in",
        ),
    ],
    ids=["no such page", "a snippet not on the page", "an include of no file"],
)
def test_renumber_refuses_bad_input_and_changes_nothing(guide, capsys, mistake, error):
    for name, text in mistake.items():
        if text is None:
            (guide / name).unlink()
        else:
            (guide / name).write_text(text)
    before = tree(guide)
    assert main(["--root", str(guide), "demo"]) == 2
    message = capsys.readouterr().err
    assert error in message
    assert message.endswith("nothing was changed\n")
    assert tree(guide) == before


def test_renumber_outside_a_git_checkout_is_refused(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/demo.md").write_text(PAGE)
    (tmp_path / "snippets/demo").mkdir(parents=True)
    for name in ("01_first.py", "01_inserted.py", "02_second.console"):
        (tmp_path / "snippets/demo" / name).write_text("")
    before = tree(tmp_path)
    assert main(["--root", str(tmp_path), "demo"]) == 2
    assert "git ls-files failed" in capsys.readouterr().err
    assert tree(tmp_path) == before


def test_a_recipe_that_opens_the_page_is_numbered_00(guide):
    recipe = guide / "snippets/other/01_recipe_copy_this.py"
    recipe.write_text("print(0)\n")
    (guide / "docs/other.md").write_text(
        OTHER_PAGE.replace(
            "# Other\n",
            "# Other\n\n```python\n--8<-- "
            '"snippets/other/01_recipe_copy_this.py"\n```\n',
        )
    )
    assert main(["--root", str(guide), "other"]) == 0
    names = sorted(path.name for path in (guide / "snippets/other").iterdir())
    assert names == ["00_recipe_copy_this.py", "01_own.py"]
