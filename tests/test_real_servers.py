"""Real servers start on a free loopback port, stop by their PID, and say why
when they cannot start: in one line, within seconds, naming the server."""

import dataclasses
import os
import socket
import time
from pathlib import Path

import pytest

from servers import __main__ as servers_main
from servers import registry
from servers.process import (
    START_TIMEOUT,
    RunningServer,
    ServerStartError,
    _start_once,
    group_alive,
    running,
    start,
)
from servers.registry import SERVERS, SHORT, Launch
from tests.rawhttp import RawClient, get

QUICKLY = 3.0  # seconds: a server that cannot start says so in less


def fails_to_start(server: registry.Server, **options) -> str:
    """The one line a server that cannot start fails with, checked for speed."""
    began = time.monotonic()
    with pytest.raises(ServerStartError) as failure:
        start(server, SHORT, **options)
    took = time.monotonic() - began
    message = str(failure.value)
    assert "\n" not in message, message
    assert message.startswith(f"{server.name}: "), message
    assert took < QUICKLY, f"{took:.1f} s to fail: {message}"
    return message


def test_a_server_that_is_not_installed_says_how_to_install_it():
    missing = dataclasses.replace(SERVERS["nginx"], program="nginx-not-installed")
    message = fails_to_start(missing)
    assert "nginx-not-installed is not installed" in message
    assert "apt-get install nginx-light" in message
    python_missing = dataclasses.replace(
        SERVERS["uvicorn"], program="python -m no_such_server"
    )
    assert "make .venv/.installed" in fails_to_start(python_missing)


def test_a_taken_port_is_named():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        message = fails_to_start(SERVERS["waitress"], port=port)
        assert message == f"waitress: port 127.0.0.1:{port} is taken"
        # The server's own words, when it finds the port taken itself.
        with pytest.raises(ServerStartError) as failure:
            _start_once(SERVERS["haproxy"], SHORT, port, "http://127.0.0.1:9")
    message = str(failure.value)
    assert message.startswith(f"haproxy: exited with 1: port 127.0.0.1:{port} is")
    assert "cannot bind socket (Address already in use)" in message


def with_a_line(command, line: str, config: str):
    """A server's command that also writes `line` at the end of its config."""

    def broken(launch: Launch) -> list[str]:
        args = command(launch)
        path = launch.folder / config
        path.write_text(path.read_text() + line + "\n")
        return args

    return broken


# A line that breaks each server's config file, and what the server says of it.
BAD_CONFIGS = {
    "nginx": ("nginx.conf", "no_such_directive on;", "unknown directive"),
    "apache": ("apache.conf", "NoSuchDirective on", "Invalid command"),
    "haproxy": ("haproxy.cfg", "    no-such-keyword", "unknown keyword"),
    "hypercorn": ("hypercorn.toml", "this is not toml", "TOMLDecodeError"),
}


@pytest.mark.parametrize("name", BAD_CONFIGS)
def test_a_bad_config_fails_in_the_servers_own_words(name):
    config, line, said = BAD_CONFIGS[name]
    server = SERVERS[name]
    broken = dataclasses.replace(
        server, command=with_a_line(server.command, line, config)
    )
    message = fails_to_start(broken, backend="http://127.0.0.1:9")
    assert said in message


def test_an_app_that_does_not_load_fails_in_the_servers_own_words():
    def without_the_app(launch: Launch) -> list[str]:
        return [*registry.uvicorn_command(launch)[:-1], "servers.app:no_such_app"]

    broken = dataclasses.replace(SERVERS["uvicorn"], command=without_the_app)
    message = fails_to_start(broken)
    assert 'Attribute "no_such_app" not found in module "servers.app"' in message


def processes_of(group: int) -> list[int]:
    """The PIDs in a process group, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) == group:  # pgrp, after the state and the ppid
            found.append(int(stat.parent.name))
    return found


def test_every_process_of_every_server_is_gone_even_after_an_error():
    """nginx, Apache and gunicorn run workers: all go, and the folders too."""
    names = ["nginx", "apache", "gunicorn-sync"]
    groups: dict[str, list[int]] = {}
    folders: list[Path] = []
    with (
        pytest.raises(RuntimeError, match="a test failed here"),
        running([SERVERS[name] for name in names], SHORT) as started,
    ):
        for name in names:
            server = started[name]
            assert isinstance(server, RunningServer), server
            groups[name] = processes_of(server.pid)
            folders.append(server.folder)
        raise RuntimeError("a test failed here")
    for name, pids in groups.items():
        assert len(pids) >= 2, f"{name} ran {pids}: expected a parent and children"
        assert not group_alive(pids[0]) or not processes_of(pids[0]), pids
        assert not any(Path(f"/proc/{pid}").exists() for pid in pids), (name, pids)
    assert not any(folder.exists() for folder in folders), folders


def test_servers_start_at_the_same_time_within_seconds():
    """One failing server does not hold up the others, nor stop them starting."""
    missing = dataclasses.replace(SERVERS["node"], program="node-not-installed")
    began = time.monotonic()
    with running([SERVERS["nginx"], missing, SERVERS["waitress"]], SHORT) as started:
        took = time.monotonic() - began
        assert isinstance(started["nginx"], RunningServer)
        assert isinstance(started["waitress"], RunningServer)
        assert isinstance(started["node"], ServerStartError)
    assert took < START_TIMEOUT, took


def test_make_test_installs_the_debian_packages_of_missing_servers(monkeypatch, capsys):
    monkeypatch.setattr(registry.shutil, "which", lambda *args, **kwargs: None)
    assert servers_main.main(["--missing-debian-packages"]) == 0
    debian = sorted(s.debian for s in SERVERS.values() if s.debian)
    assert capsys.readouterr().out.split() == debian
    assert debian == ["apache2", "haproxy", "nginx-light", "nodejs"]


def test_the_makefile_installs_what_servers_lists():
    makefile = (registry.ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m servers --missing-debian-packages" in makefile
    assert os.access(registry.ROOT / "servers" / "app.js", os.R_OK)


def test_a_real_server_is_started_once_and_reused(real_server, lab_url):
    """The session's HAProxy stands in front of the session's lab."""
    haproxy = real_server("haproxy")
    assert real_server("haproxy") is haproxy
    with RawClient(haproxy.url) as client:
        client.send(get("/"))
        answer = client.response()
        assert answer.headers["x-served-by"] == "haproxy"
        assert answer.headers["x-lab-connection"]  # the lab answered behind it
        # Its front idle timeout is SHORT's.
        closing = client.wait_for_close(SHORT.idle_timeout + 2)
    assert closing.how == "FIN", closing
    assert SHORT.idle_timeout - 0.1 <= closing.after <= SHORT.idle_timeout + 1
