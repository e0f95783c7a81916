"""The GitHub workflows: actionlint (pinned in requirements.in) finds nothing
wrong in them, and the one that publishes the site tests it first."""

import subprocess
import sys
from pathlib import Path

import yaml

from tests.docs_tree import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "pages.yml"
# Installed into the same environment as this Python, as a console script.
ACTIONLINT = Path(sys.executable).with_name("actionlint")


def test_actionlint_finds_nothing_in_the_workflows():
    workflows = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert PUBLISH in workflows, f"the site is published by {PUBLISH}"
    assert ACTIONLINT.exists(), f"{ACTIONLINT} is missing: run `make test`"
    result = subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, workflows)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


def test_the_site_is_published_only_after_make_test_passes():
    jobs = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))["jobs"]
    steps = jobs["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "make test" in runs, "the workflow must run `make test` before it builds"
    tested = runs.index("make test")
    built = next(i for i, run in enumerate(runs) if "mkdocs build" in run)
    assert tested < built, "the build must come after `make test`"
    # mkdocs.yml reads where the site and its sources are from these.
    assert {"SITE_URL", "REPO_URL"} <= set(steps[built]["env"])
    uses = [step.get("uses", "") for step in jobs["deploy"]["steps"]]
    assert any(action.startswith("actions/deploy-pages@") for action in uses)
    assert jobs["deploy"]["needs"] == "build"
