"""Every real server the guide measures, declared once.

Each `Server` says how to start it on a loopback port with servers/app.py's
app (or its own way of answering), what to install when it is missing, how to
read its version, and where its keep-alive defaults come from: the server's
own config object where it has one, read when asked, never typed here;
otherwise the documentation, linked. servers/process.py starts and stops them,
tools/matrix.py measures them, and the tests do both with `SHORT` settings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_JS = Path(__file__).with_name("app.js")
# Debian keeps the servers' binaries in sbin, which a non-root PATH may lack.
PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
APACHE_MODULES = Path("/usr/lib/apache2/modules")


@dataclass(frozen=True)
class Settings:
    """What to change from a server's defaults; None keeps its default."""

    idle_timeout: int | None = None  # seconds; whole, as gunicorn and uvicorn take
    max_requests: int | None = None  # requests one connection may carry


DEFAULTS = Settings()
# `make test` measures with these: every timeout is short, every limit is small.
SHORT = Settings(idle_timeout=1, max_requests=3)


@dataclass(frozen=True)
class Default:
    """One of a server's defaults, and where it comes from."""

    value: float | None  # None: no such limit by default
    setting: str | None  # the name of the setting, None if there is none
    source: str  # the server's documentation or source for it
    read_from: str | None = None  # the config object it was read from; None: cited
    note: str = ""


@dataclass(frozen=True)
class Launch:
    """What a server is started with: its folder, port, settings and back end."""

    name: str
    folder: Path  # the server's own temporary folder, for config files and logs
    port: int
    settings: Settings
    backend: str | None = None  # the URL a proxy forwards to


@dataclass(frozen=True)
class Server:
    name: str  # also what it sends in X-Served-By
    label: str  # for a table
    home: str  # its documentation
    program: str  # an executable on PATH, or `python -m <module>`
    debian: str | None  # its Debian package; None: pinned in requirements.txt
    version: Callable[[], str]
    defaults: Callable[[], dict[str, Default]]  # "idle_timeout", "max_requests"
    command: Callable[[Launch], list[str]]  # writes its config files, if any
    settable: frozenset[str]  # the Settings fields it takes
    stop_signal: signal.Signals = signal.SIGTERM  # the one that stops it at once
    needs_backend: bool = False

    def executable(self) -> str | None:
        """The program's path, or None if it is not installed."""
        if self.program.startswith("python -m "):
            module = self.program.removeprefix("python -m ")
            import importlib.util

            return sys.executable if importlib.util.find_spec(module) else None
        return shutil.which(self.program, path=PATH)


# --- helpers the declarations share ------------------------------------------


def _version_from(program: str, flag: str, pattern: str) -> str:
    found = shutil.which(program, path=PATH)
    if found is None:
        return "not installed"
    result = subprocess.run(
        [found, flag], capture_output=True, text=True, timeout=10, check=False
    )
    match = re.search(pattern, result.stdout + result.stderr)
    return match[1] if match else "unknown"


def _python_server(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _write(launch: Launch, name: str, text: str) -> Path:
    path = launch.folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- nginx ----------------------------------------------------------------------

NGINX_DOCS = "https://nginx.org/en/docs/http/ngx_http_core_module.html"
NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log stderr;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
{settings}
        location / {{
            default_type application/json;
            add_header X-Served-By {name} always;
            add_header X-Client-Port $remote_port always;
            return 200 '{{"served_by": "{name}", "client_port": $remote_port}}';
        }}
    }}
}}
"""


def nginx_command(launch: Launch) -> list[str]:
    settings = []
    if launch.settings.idle_timeout is not None:
        settings.append(f"keepalive_timeout {launch.settings.idle_timeout}s;")
    if launch.settings.max_requests is not None:
        settings.append(f"keepalive_requests {launch.settings.max_requests};")
    conf = NGINX_CONF.format(
        folder=launch.folder,
        port=launch.port,
        name=launch.name,
        settings="\n".join(f"        {line}" for line in settings),
    )
    path = _write(launch, "nginx.conf", conf)
    return ["nginx", "-p", str(launch.folder), "-c", str(path), "-e", "stderr"]


def nginx_defaults() -> dict[str, Default]:
    return {
        "idle_timeout": Default(
            75, "keepalive_timeout", f"{NGINX_DOCS}#keepalive_timeout"
        ),
        "max_requests": Default(
            1000, "keepalive_requests", f"{NGINX_DOCS}#keepalive_requests"
        ),
    }


# --- Apache httpd -----------------------------------------------------------------

APACHE_DOCS = "https://httpd.apache.org/docs/2.4/mod/core.html"
APACHE_CONF = """\
ServerRoot {folder}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {folder}/apache.pid
DefaultRuntimeDir {folder}
ErrorLog /dev/stderr
# Started as root, Apache runs its children as this user.
User nobody
Group nogroup
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule dir_module {modules}/mod_dir.so
LoadModule headers_module {modules}/mod_headers.so
DocumentRoot {folder}/htdocs
DirectoryIndex index.json
ForceType application/json
Header always set X-Served-By {name}
Header always set X-Client-Port "expr=%{{REMOTE_PORT}}"
{settings}
"""


def apache_command(launch: Launch) -> list[str]:
    settings = []
    if launch.settings.idle_timeout is not None:
        settings.append(f"KeepAliveTimeout {launch.settings.idle_timeout}")
    if launch.settings.max_requests is not None:
        settings.append(f"MaxKeepAliveRequests {launch.settings.max_requests}")
    # A static file: Apache's children read it as `nobody`.
    htdocs = launch.folder / "htdocs"
    htdocs.mkdir()
    (htdocs / "index.json").write_text(f'{{"served_by": "{launch.name}"}}')
    conf = APACHE_CONF.format(
        folder=launch.folder,
        port=launch.port,
        name=launch.name,
        modules=APACHE_MODULES,
        settings="\n".join(settings),
    )
    path = _write(launch, "apache.conf", conf)
    return ["apache2", "-f", str(path), "-D", "FOREGROUND"]


def apache_defaults() -> dict[str, Default]:
    return {
        "idle_timeout": Default(
            5, "KeepAliveTimeout", f"{APACHE_DOCS}#keepalivetimeout"
        ),
        "max_requests": Default(
            100, "MaxKeepAliveRequests", f"{APACHE_DOCS}#maxkeepaliverequests"
        ),
    }


# --- HAProxy, in front of a back end (the lab) ---------------------------------

HAPROXY_DOCS = "https://docs.haproxy.org/2.6/configuration.html"
HAPROXY_CLIENT_TIMEOUT = 60  # Debian's packaged haproxy.cfg sets 50 s
HAPROXY_CONF = """\
defaults
    mode http
{settings}
frontend front
    bind 127.0.0.1:{port}
    http-response set-header X-Served-By {name}
    http-response set-header X-Client-Port %[src_port]
    default_backend back
backend back
    server back {backend}
"""


def haproxy_command(
    launch: Launch, client_timeout: int | None = HAPROXY_CLIENT_TIMEOUT
) -> list[str]:
    assert launch.backend, "HAProxy needs a back end to forward to"
    settings = []
    if launch.settings.idle_timeout is not None:
        settings.append(f"timeout http-keep-alive {launch.settings.idle_timeout}s")
        # HAProxy 2.6 applies `timeout http-keep-alive` only when `timeout
        # client` is set too (tests/test_keepalive_matrix.py shows it).
        if client_timeout is not None:
            settings.append(f"timeout client {client_timeout}s")
    backend = launch.backend.removeprefix("http://").rstrip("/")
    conf = HAPROXY_CONF.format(
        port=launch.port,
        name=launch.name,
        backend=backend,
        settings="\n".join(f"    {line}" for line in settings),
    )
    path = _write(launch, "haproxy.cfg", conf)
    return ["haproxy", "-db", "-f", str(path)]


def haproxy_defaults() -> dict[str, Default]:
    return {
        "idle_timeout": Default(
            None,
            "timeout http-keep-alive",
            f"{HAPROXY_DOCS}#4.2-timeout%20http-keep-alive",
            note="none set: it falls back to `timeout http-request`, "
            "then `timeout client`, and neither has a default",
        ),
        "max_requests": Default(
            None, None, f"{HAPROXY_DOCS}#4.2-option%20http-keep-alive"
        ),
    }


# --- gunicorn -------------------------------------------------------------------

GUNICORN_DOCS = "https://docs.gunicorn.org/en/stable/settings.html"


def gunicorn_command(worker: str) -> Callable[[Launch], list[str]]:
    def command(launch: Launch) -> list[str]:
        args = ["--bind", f"127.0.0.1:{launch.port}", "--worker-class", worker]
        if launch.settings.idle_timeout is not None:
            args += ["--keep-alive", str(launch.settings.idle_timeout)]
        return _python_server("gunicorn", *args, "servers.app:wsgi_app")

    return command


def gunicorn_defaults(worker: str) -> Callable[[], dict[str, Default]]:
    def defaults() -> dict[str, Default]:
        from gunicorn.config import Config

        keepalive = Config().settings["keepalive"]
        note = ""
        if worker == "sync":  # its own documentation says so, in the setting
            said = re.search(r"``sync`` worker (.+?)\.\n", keepalive.desc, re.DOTALL)
            note = "the sync worker " + " ".join(said[1].split())
        return {
            "idle_timeout": Default(
                keepalive.default,
                "keepalive",
                f"{GUNICORN_DOCS}#keepalive",
                read_from="gunicorn.config.Config().settings['keepalive']",
                note=note,
            ),
            "max_requests": Default(None, None, f"{GUNICORN_DOCS}#max-requests"),
        }

    return defaults


# --- uvicorn, hypercorn, waitress -------------------------------------------------


def uvicorn_command(launch: Launch) -> list[str]:
    args = ["--host", "127.0.0.1", "--port", str(launch.port), "--no-access-log"]
    if launch.settings.idle_timeout is not None:
        args += ["--timeout-keep-alive", str(launch.settings.idle_timeout)]
    return _python_server("uvicorn", *args, "servers.app:asgi_app")


def uvicorn_defaults() -> dict[str, Default]:
    from uvicorn import Config

    return {
        "idle_timeout": Default(
            # log_config=None: reading a default must not set up its logging.
            Config(app=None, log_config=None).timeout_keep_alive,
            "timeout_keep_alive",
            "https://www.uvicorn.org/settings/#timeouts",
            read_from="uvicorn.Config(app=None).timeout_keep_alive",
        ),
        "max_requests": Default(None, None, "https://www.uvicorn.org/settings/"),
    }


HYPERCORN_DOCS = (
    "https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html"
)


def hypercorn_command(launch: Launch) -> list[str]:
    # keep_alive_max_requests has no command-line option: both go in a file.
    lines = []
    if launch.settings.idle_timeout is not None:
        lines.append(f"keep_alive_timeout = {launch.settings.idle_timeout}")
    if launch.settings.max_requests is not None:
        lines.append(f"keep_alive_max_requests = {launch.settings.max_requests}")
    config = _write(launch, "hypercorn.toml", "\n".join(lines) + "\n")
    args = ["--bind", f"127.0.0.1:{launch.port}", "--config", str(config)]
    return _python_server("hypercorn", *args, "servers.app:asgi_app")


def hypercorn_defaults() -> dict[str, Default]:
    from hypercorn.config import Config

    config = Config()
    return {
        "idle_timeout": Default(
            config.keep_alive_timeout,
            "keep_alive_timeout",
            HYPERCORN_DOCS,
            read_from="hypercorn.config.Config().keep_alive_timeout",
        ),
        "max_requests": Default(
            config.keep_alive_max_requests,
            "keep_alive_max_requests",
            HYPERCORN_DOCS,
            read_from="hypercorn.config.Config().keep_alive_max_requests",
        ),
    }


WAITRESS_DOCS = (
    "https://docs.pylonsproject.org/projects/waitress/en/stable/arguments.html"
)


def waitress_command(launch: Launch) -> list[str]:
    args = ["--host=127.0.0.1", f"--port={launch.port}"]
    if launch.settings.idle_timeout is not None:
        # waitress looks for idle connections every cleanup_interval seconds
        # (30 by default), so a short timeout needs a short interval too.
        idle = launch.settings.idle_timeout
        args += [f"--channel-timeout={idle}", f"--cleanup-interval={idle}"]
    return _python_server("waitress", *args, "servers.app:wsgi_app")


def waitress_defaults() -> dict[str, Default]:
    from waitress.adjustments import Adjustments

    adjustments = Adjustments()
    return {
        "idle_timeout": Default(
            adjustments.channel_timeout,
            "channel_timeout",
            f"{WAITRESS_DOCS}#channel-timeout",
            read_from="waitress.adjustments.Adjustments().channel_timeout",
            note=f"checked every cleanup_interval, {adjustments.cleanup_interval} s",
        ),
        "max_requests": Default(None, None, WAITRESS_DOCS),
    }


# --- Node.js ----------------------------------------------------------------------


def node_command(launch: Launch) -> list[str]:
    idle, most = launch.settings.idle_timeout, launch.settings.max_requests
    return [
        "node",
        str(APP_JS),
        str(launch.port),
        "" if idle is None else str(idle * 1000),
        "" if most is None else str(most),
    ]


def node_defaults() -> dict[str, Default]:
    """Read from a live `http.Server` (servers/app.js --defaults)."""
    node = shutil.which("node", path=PATH)
    if node is None:
        raise RuntimeError("node is not installed")
    output = subprocess.run(
        [node, str(APP_JS), "--defaults"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout
    defaults = json.loads(output)
    major = node_version().split(".")[0]
    docs = f"https://nodejs.org/docs/latest-v{major}.x/api/http.html"
    most = defaults["maxRequestsPerSocket"]
    return {
        "idle_timeout": Default(
            defaults["keepAliveTimeout"] / 1000,
            "server.keepAliveTimeout",
            f"{docs}#serverkeepalivetimeout",
            read_from="http.createServer().keepAliveTimeout",
        ),
        "max_requests": Default(
            most or None,  # 0 means no limit
            "server.maxRequestsPerSocket",
            f"{docs}#servermaxrequestspersocket",
            read_from="http.createServer().maxRequestsPerSocket",
        ),
    }


def node_version() -> str:
    return _version_from("node", "--version", r"v(\S+)")


# --- the servers, in the order of the matrix ---------------------------------------

BOTH = frozenset({"idle_timeout", "max_requests"})
IDLE = frozenset({"idle_timeout"})

SERVERS: dict[str, Server] = {
    server.name: server
    for server in [
        Server(
            name="nginx",
            label="nginx",
            home="https://nginx.org/en/docs/",
            program="nginx",
            debian="nginx-light",
            version=lambda: _version_from("nginx", "-v", r"nginx/(\S+)"),
            defaults=nginx_defaults,
            command=nginx_command,
            settable=BOTH,
        ),
        Server(
            name="apache",
            label="Apache httpd",
            home="https://httpd.apache.org/docs/2.4/",
            program="apache2",
            debian="apache2",
            version=lambda: _version_from("apache2", "-v", r"Apache/(\S+)"),
            defaults=apache_defaults,
            command=apache_command,
            settable=BOTH,
        ),
        Server(
            name="haproxy",
            label="HAProxy, in front of the lab",
            home="https://docs.haproxy.org/",
            program="haproxy",
            debian="haproxy",
            version=lambda: _version_from("haproxy", "-v", r"HAProxy version ([\d.]+)"),
            defaults=haproxy_defaults,
            command=haproxy_command,
            settable=IDLE,
            needs_backend=True,
        ),
        Server(
            name="gunicorn-sync",
            label="gunicorn, sync worker (its default)",
            home="https://docs.gunicorn.org/",
            program="python -m gunicorn",
            debian=None,
            version=lambda: installed_version("gunicorn"),
            defaults=gunicorn_defaults("sync"),
            command=gunicorn_command("sync"),
            settable=IDLE,
            stop_signal=signal.SIGINT,  # quick shutdown; SIGTERM waits 30 s
        ),
        Server(
            name="gunicorn-gthread",
            label="gunicorn, gthread worker",
            home="https://docs.gunicorn.org/",
            program="python -m gunicorn",
            debian=None,
            version=lambda: installed_version("gunicorn"),
            defaults=gunicorn_defaults("gthread"),
            command=gunicorn_command("gthread"),
            settable=IDLE,
            stop_signal=signal.SIGINT,
        ),
        Server(
            name="uvicorn",
            label="uvicorn",
            home="https://www.uvicorn.org/",
            program="python -m uvicorn",
            debian=None,
            version=lambda: installed_version("uvicorn"),
            defaults=uvicorn_defaults,
            command=uvicorn_command,
            settable=IDLE,
        ),
        Server(
            name="hypercorn",
            label="hypercorn",
            home="https://hypercorn.readthedocs.io/",
            program="python -m hypercorn",
            debian=None,
            version=lambda: installed_version("hypercorn"),
            defaults=hypercorn_defaults,
            command=hypercorn_command,
            settable=BOTH,
            stop_signal=signal.SIGINT,  # the quickest: SIGTERM takes 2 s
        ),
        Server(
            name="waitress",
            label="waitress",
            home="https://docs.pylonsproject.org/projects/waitress/",
            program="python -m waitress",
            debian=None,
            version=lambda: installed_version("waitress"),
            defaults=waitress_defaults,
            command=waitress_command,
            settable=IDLE,
        ),
        Server(
            name="node",
            label="Node.js http",
            home="https://nodejs.org/api/http.html",
            program="node",
            debian="nodejs",
            version=node_version,
            defaults=node_defaults,
            command=node_command,
            settable=BOTH,
        ),
    ]
}
