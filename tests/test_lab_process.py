"""Lab tests: the ``python -m lab`` process: startup, logging, shutdown.

SIGTERM and SIGINT stop it at once, what it prints, the access log, LAB_URL
as its default address, and bad arguments, a bad LAB_URL or LAB_HTTPS_URL, a
CA file it cannot write or a port in use: exit 2, one line.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock
from urllib.parse import urlsplit

import pytest
import requests

from lab.__main__ import main as lab_main
from tests.rawhttp import TIMEOUT, RawClient, assert_still_serving, exchange, get

if TYPE_CHECKING:
    from tests.rawhttp import StartLab


def run_lab_cli(
    *args: str, lab_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lab``'s main() in this process, expecting it to exit.

    Only for arguments it refuses: it then exits before it serves anything,
    and a subprocess would cost a second of start-up per case. The signal and
    start-up tests run the real ``python -m lab``.
    """
    env = {k: v for k, v in os.environ.items() if k != "LAB_URL"}
    if lab_url is not None:
        env["LAB_URL"] = lab_url
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env, clear=True),
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        pytest.raises(SystemExit) as exited,
    ):
        lab_main([*args])
    code = exited.value.code if isinstance(exited.value.code, int) else 1
    return subprocess.CompletedProcess(
        ["python", "-m", "lab", *args], code, stdout.getvalue(), stderr.getvalue()
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_lab_promptly(start_lab: StartLab, signum: int) -> None:
    lab = start_lab(https=True)
    with RawClient(lab.url) as idle, RawClient(lab.url) as waiting:
        idle.send(get("/"))
        idle.response()
        waiting.send(get("/delay/60"))
        idle.send(get("/"))  # a round trip: the lab has read both requests
        idle.response()
        lab.process.send_signal(signum)
        # Promptly: it exits within TIMEOUT, long before the 60 s delay or the
        # 30 s idle timeout end, and both clients see the close, not an answer.
        code = lab.process.wait(timeout=TIMEOUT)
        idle.expect_fin()
        waiting.expect_fin()
    assert code == 0
    lab.stop()
    # After its first line: where snippets find it, then its last word.
    exports = [f"  export {name}={value}" for name, value in lab.environment().items()]
    assert lab.output.splitlines() == [
        "Snippets in another shell find it with:",
        *exports,
        "Lab server stopped",
    ]


def test_access_log(start_lab: StartLab) -> None:
    lab = start_lab(quiet=False)
    with requests.Session() as session:
        session.get(f"{lab.url}/echo", timeout=TIMEOUT)
        session.get(f"{lab.url}/status/404", timeout=TIMEOUT)
    exchange(lab.url, b"NONSENSE\r\n\r\n")
    lab.stop()
    log = lab.log.read_text().splitlines()
    assert "conn 1 req 1 GET /echo -> 200" in log
    assert "conn 1 req 2 GET /status/404 -> 404" in log
    assert any(line.startswith("conn 2 req 1 - -> 400 (malformed") for line in log)


def test_lab_url_sets_the_default_address(start_lab: StartLab) -> None:
    env = {**os.environ, "LAB_URL": "http://localhost:0"}
    lab = start_lab(port=None, env=env)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", lab.url)
    assert_still_serving(lab.url)
    # start_lab() passes --no-https: no HTTPS, and no CA written.
    assert (lab.https_url, lab.ca_bundle.exists()) == (None, False)
    assert lab.environment() == {"LAB_URL": lab.url}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--host", "10.0.0.1"], "refusing to listen on 10.0.0.1"),
        (["--host", "example.com"], "only binds to loopback"),
        (["--port", "70000"], "argument --port: expected a port"),
        (["--idle-timeout", "-1"], "argument --idle-timeout: expected a positive"),
        (["--header-timeout", "nan"], "argument --header-timeout"),
        (["--body-timeout", "0"], "argument --body-timeout"),
        (["--max-connections", "0"], "argument --max-connections"),
        (["--tls-port", "https"], "argument --tls-port: expected a port"),
        (["--handshake-timeout", "0"], "argument --handshake-timeout"),
        (["--rtt", "50"], "argument --rtt: expected a round-trip time such as 50ms"),
        (["--rtt=-5ms"], "argument --rtt: expected a round-trip time"),
        (["--tls-port", "8765", "--port", "8765"], "cannot share port 8765"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_lab_cli("--port", "0", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("python -m lab: error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no usage, no traceback


@pytest.mark.parametrize("option", ["--port", "--tls-port"])
def test_port_in_use_is_refused(lab_url: str, option: str) -> None:
    import lab

    taken = lab.LAB_URL if option == "--port" else lab.LAB_HTTPS_URL
    port = urlsplit(taken).port
    ca_before = Path(lab.LAB_CA_BUNDLE).read_bytes()
    other = "--tls-port" if option == "--port" else "--port"
    result = run_lab_cli(option, str(port), other, "0")
    assert result.returncode == 2
    assert result.stderr == (
        f"python -m lab: error: port {port} is already in use; "
        f"stop the other lab or pass {option}\n"
    )
    # The running lab's CA file is left as it was: its clients still trust it.
    assert Path(lab.LAB_CA_BUNDLE).read_bytes() == ca_before


@pytest.mark.parametrize(
    "lab_url, message",
    [
        ("127.0.0.1:8765", "is not a URL like http://127.0.0.1:8765"),
        ("https://127.0.0.1:8765", "is not a URL like"),
        ("http://127.0.0.1:99999", "is not a URL like"),
        ("http://127.0.0.1:8765/path", "is not a URL like"),
        ("http://10.0.0.1:8765", "refusing to listen on 10.0.0.1"),
    ],
)
def test_bad_lab_url_exits_2(lab_url: str, message: str) -> None:
    result = run_lab_cli(lab_url=lab_url)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "https_url, message",
    [
        ("http://127.0.0.1:8766", "LAB_HTTPS_URL='http://127.0.0.1:8766' is not a URL"),
        ("https://127.0.0.1:8766/x", "is not a URL like https://127.0.0.1:8766"),
        ("https://10.0.0.1:8766", "refusing to listen on 10.0.0.1"),
    ],
)
def test_bad_lab_https_url_exits_2(
    monkeypatch: pytest.MonkeyPatch, https_url: str, message: str
) -> None:
    monkeypatch.setenv("LAB_HTTPS_URL", https_url)
    result = run_lab_cli()
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_ca_file_it_cannot_write_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAB_CA_BUNDLE", str(tmp_path))  # a folder
    result = run_lab_cli("--port", "0", "--tls-port", "0")
    assert result.returncode == 2
    assert result.stderr == (
        f"python -m lab: error: cannot write the CA certificate to "
        f"{tmp_path}: Is a directory\n"
    )
