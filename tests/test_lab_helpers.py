"""Lab tests: the helpers snippets import from ``lab``, and ``python -m lab.run``.

LAB_URL, LAB_ALIAS_URL, LAB_HTTPS_URL, LAB_CA_BUNDLE, connection_closed(),
lab_stats(), reset_lab(), blackhole_url(), stall_url(): what they return, and
a clear error when no lab is running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

from tests.rawhttp import TIMEOUT

if TYPE_CHECKING:
    from tests.rawhttp import StartLab


def unused_port() -> int:
    """A port nothing listens on (connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_lab_url_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import lab

    monkeypatch.setenv("LAB_URL", "http://127.0.0.1:9/")
    assert lab.LAB_URL == "http://127.0.0.1:9"
    monkeypatch.delenv("LAB_URL")
    assert lab.LAB_URL == lab.DEFAULT_URL == "http://127.0.0.1:8765"


def test_the_https_url_and_ca_bundle_follow_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lab

    monkeypatch.setenv("LAB_HTTPS_URL", "https://localhost:9/")
    monkeypatch.setenv("LAB_CA_BUNDLE", "~/ca.pem")
    assert lab.LAB_HTTPS_URL == "https://localhost:9"
    assert os.path.expanduser("~/ca.pem") == lab.LAB_CA_BUNDLE
    monkeypatch.delenv("LAB_HTTPS_URL")
    monkeypatch.delenv("LAB_CA_BUNDLE")
    assert lab.LAB_HTTPS_URL == lab.DEFAULT_HTTPS_URL == "https://127.0.0.1:8766"
    assert os.path.expanduser(lab.DEFAULT_CA_BUNDLE) == lab.LAB_CA_BUNDLE


def test_stall_url_helper(lab_url: str) -> None:
    from lab import stall_url

    http, https = stall_url(), stall_url("https")
    assert http.startswith("http://127.0.0.1:")
    assert https == "https" + http.removeprefix("http")
    with pytest.raises(ValueError, match="scheme must be 'http' or 'https'"):
        stall_url("ftp")


def test_snippet_helpers(start_lab: StartLab, monkeypatch: pytest.MonkeyPatch) -> None:
    server = start_lab()
    monkeypatch.setenv("LAB_URL", server.url)
    from lab import LAB_URL, connection_closed, lab_stats, reset_lab

    assert server.url == LAB_URL
    requests.get(f"{LAB_URL}/", timeout=TIMEOUT)
    reset_lab()
    with requests.Session() as session:
        for _ in range(3):
            session.get(f"{LAB_URL}/", timeout=TIMEOUT)
        closing = session.get(f"{LAB_URL}/close", timeout=TIMEOUT)
    assert connection_closed(closing)
    assert connection_closed(closing.headers["X-Lab-Connection"])
    assert lab_stats() == {"connections": 1, "requests": 4}


def test_alias_url_names_the_same_lab_by_its_other_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lab

    monkeypatch.setenv("LAB_URL", "http://127.0.0.1:8765/")
    assert lab.LAB_ALIAS_URL == "http://localhost:8765"
    monkeypatch.setenv("LAB_URL", "http://localhost:9")
    assert lab.LAB_ALIAS_URL == "http://127.0.0.1:9"
    monkeypatch.setenv("LAB_URL", "http://[::1]:8765")
    with pytest.raises(RuntimeError, match=r"127\.0\.0\.1 or localhost"):
        lab.LAB_ALIAS_URL  # noqa: B018


def test_alias_url_reaches_the_lab(lab_url: str) -> None:
    from lab import LAB_ALIAS_URL

    with requests.Session() as session:
        first = session.get(f"{lab_url}/", timeout=TIMEOUT)
        other = session.get(f"{LAB_ALIAS_URL}/", timeout=TIMEOUT)
    # Two host names, two pools: a connection each, on the same server.
    assert other.json()["connection"] != first.json()["connection"]
    assert other.json()["request"] == 1


def test_blackhole_url_helper(lab_url: str) -> None:
    from lab import blackhole_url

    with pytest.raises(requests.ConnectTimeout):
        requests.get(blackhole_url(), timeout=(0.2, TIMEOUT))


def test_connection_closed_reports_an_open_connection(lab_url: str) -> None:
    from lab import connection_closed

    with requests.Session() as session:
        response = session.get(f"{lab_url}/", timeout=TIMEOUT)
        assert connection_closed(response, wait=0.2) is False
        with pytest.raises(RuntimeError, match="no connection 999999"):
            connection_closed(999_999, wait=0.2)


def test_helpers_explain_a_missing_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    from lab import lab_stats, reset_lab

    url = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("LAB_URL", url)
    for helper in (reset_lab, lab_stats):
        with pytest.raises(RuntimeError) as info:
            helper()
        assert (
            str(info.value) == f"no lab server at {url}: start it with `python -m lab`"
        )
        assert isinstance(info.value.__cause__, requests.ConnectionError)


def test_run_starts_a_lab_runs_the_snippet_and_stops_the_lab(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "import os, sys\n"
        "import requests\n"
        "from lab import DEFAULT_URL, LAB_CA_BUNDLE, LAB_HTTPS_URL, LAB_URL\n"
        "print(LAB_URL != DEFAULT_URL, requests.get(LAB_URL, timeout=5).status_code)\n"
        "https = requests.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)\n"
        "print(https.status_code, https.elapsed.total_seconds() >= 3 * 0.02)\n"
        "print(os.environ.get('REQUESTS_CA_BUNDLE'))\n"
        "print(LAB_URL)\n"
        "sys.exit(3)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}
    env["REQUESTS_CA_BUNDLE"] = "/a/shell/s/bundle.pem"  # dropped for the snippet
    result = subprocess.run(
        [sys.executable, "-m", "lab.run", "--rtt", "20ms", str(snippet)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    *answers, url = result.stdout.splitlines()
    # Over HTTPS, with --rtt 20ms: TCP, TLS 1.3 and the request, 3 round trips.
    assert (result.returncode, answers) == (3, ["True 200", "200 True", "None"]), (
        result.stderr
    )
    with pytest.raises(requests.ConnectionError):  # that lab is gone
        requests.get(url, timeout=TIMEOUT)


def test_run_refuses_a_missing_snippet() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lab.run", "no/such/snippet.py"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert (
        result.stderr == "python -m lab.run: error: no such file: no/such/snippet.py\n"
    )


def test_in_a_fork_returns_what_the_child_returned() -> None:
    from lab import in_a_fork

    parent = os.getpid()
    assert in_a_fork(lambda: os.getpid() != parent) == "True"


def test_in_a_fork_reports_the_child_s_exception() -> None:
    from lab import in_a_fork

    def fails() -> str:
        raise ValueError("no such thing")

    assert in_a_fork(fails) == "ValueError: no such thing"


def test_in_a_fork_kills_a_child_that_takes_too_long() -> None:
    import threading

    from lab import in_a_fork

    never = threading.Event()  # the child waits on its own copy: forever
    with pytest.raises(TimeoutError, match=r"took over 0\.2 s"):
        in_a_fork(lambda: str(never.wait()), timeout=0.2)


def test_in_a_fork_says_when_the_child_left_without_a_result() -> None:
    import sys

    from lab import in_a_fork

    with pytest.raises(RuntimeError, match=r"exited .* without a result"):
        in_a_fork(lambda: sys.exit(3))


def test_recipe_loads_a_recipe_without_running_its_demo() -> None:
    from lab import recipe

    loaded = recipe("deployment/00_recipe_retire_old_connections.py")
    assert loaded.RetiringAdapter(idle_expiry=1.0).idle_expiry == 1.0
    assert loaded.__name__ == "recipe"  # so its `if __name__ == "__main__"` skipped


@pytest.mark.parametrize(
    "name",
    ["deployment/99_recipe_none.py", "pooling/01_size_the_pool_to_your_threads.py"],
)
def test_recipe_refuses_what_is_not_a_recipe(name: str) -> None:
    from lab import recipe

    with pytest.raises(ValueError, match="no recipe"):
        recipe(name)


def test_recipe_refuses_a_file_outside_the_snippets(tmp_path: Path) -> None:
    from lab import recipe

    outside = tmp_path / "00_recipe_elsewhere.py"
    outside.write_text("print('never run')\n")
    with pytest.raises(ValueError, match="no recipe"):
        recipe(str(outside))
