"""Lighthouse on every page of the built site, served with gzip as a host would.

    python -m tools.audit        (or: make audit)

It builds the site (strict, with the drawings in diagrams/) into build/audit/,
serves it on a free loopback port behind nginx with gzip on, or, when nginx is
not installed, behind a small Python server that compresses the same files
(Lighthouse scores a page no host compresses as no reader gets it), and runs
Lighthouse, pinned in package.json, in Debian's Chromium on each page in turn,
with its mobile preset. It prints a report and writes it to
build/audit/report.md, next to Lighthouse's JSON for each page: each page's
four scores, the bytes it transfers, and the audits it fails.

It exits with 1 when a page scores below 100 for accessibility or transfers
more than 300 kB: two figures that do not depend on the machine's speed. It
reports the performance score but does not fail on it, because the score
depends on timing, and this machine is shared. The target is still 95 or more.
"""

import argparse
import contextlib
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tools.chromium import CHROMIUM, missing
from tools.diagrams import CACHE_ONLY
from tools.serving import QuietHandler, served

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "audit"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MAX_BYTES = 300_000  # transferred by one page, compressed: 300 kB
# What a host compresses: text, not images (nginx's gzip_types say the same).
COMPRESSED = {
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
}
GZIP_LEVEL = 6
LIGHTHOUSE_TIMEOUT = 300  # seconds for one page: a safety net
# nginx in the foreground, in one process run by the user who starts it (who
# can read the site), every path it writes in one folder.
NGINX_CONF = """\
daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {folder}/client_body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  gzip on;
  gzip_comp_level {level};
  gzip_min_length 256;
  gzip_types {types};
  server {{
    listen 127.0.0.1:{port};
    root {site};
    error_page 404 /404.html;
  }}
}}
"""


class AuditError(Exception):
    """Something the audit needs went wrong: the message says what."""


def build(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", CACHE_ONLY: "1"},
    )
    if result.returncode != 0:
        raise AuditError(f"the strict build failed:\n{result.stderr}")


def built_pages(site: Path) -> list[str]:
    """Every page of the built site, as a path on it ("" is the home page)."""
    pages = [
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in site.rglob("index.html")
    ]
    return sorted([*pages, "404.html"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until something listens on `port`; fails if `process` exits first."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AuditError(f"nginx stopped at once:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.05)
    raise AuditError(f"nginx did not listen on port {port} within 10 s")


@contextlib.contextmanager
def nginx_serving(site: Path, folder: Path) -> Iterator[str]:
    """nginx, with gzip on, serving `site` on loopback; its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            folder=folder,
            site=site.resolve(),
            port=port,
            level=GZIP_LEVEL,
            types=" ".join(sorted(COMPRESSED - {"text/html"})),  # html: always
        )
    )
    log = folder / "error.log"
    command = [nginx(), "-p", str(folder), "-c", str(conf), "-e", str(log)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


class GzipHandler(QuietHandler):
    """Serves the site as nginx does above: text gzipped when the client asks."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a host does
    disable_nagle_algorithm = True  # no 40 ms stalls on reused connections

    def do_HEAD(self):
        self.answer(with_body=False)

    def do_GET(self):
        self.answer(with_body=True)

    def answer(self, with_body: bool) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not self.path.split("?")[0].endswith("/"):
            self.send_response(301)
            self.send_header("Location", self.path.split("?")[0] + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
        body = path.read_bytes()
        content_type = self.guess_type(str(path))
        compress = content_type in COMPRESSED and "gzip" in self.headers.get(
            "Accept-Encoding", ""
        )
        if compress:
            body = gzip.compress(body, GZIP_LEVEL)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def gzip_serving(site: Path, folder: Path, use_nginx: bool):
    """nginx if asked (and installed), else the Python server; and its name."""
    if use_nginx:
        return nginx_serving(site, folder / "nginx"), "nginx"
    return served(site, GzipHandler), "a Python server"


def lighthouse(url: str, report: Path) -> dict:
    """Lighthouse's result for one page (its JSON, also saved to `report`)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--no-enable-error-reporting",
        "--quiet",
    ]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=LIGHTHOUSE_TIMEOUT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
    except subprocess.TimeoutExpired:
        raise AuditError(
            f"Lighthouse took over {LIGHTHOUSE_TIMEOUT} s on {url}"
        ) from None
    if result.returncode != 0 or not report.is_file():
        raise AuditError(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(report.read_text("utf-8"))


def summary(page: str, result: dict) -> dict:
    """What the report says of a page: scores, bytes, the audits it fails."""
    if result.get("runtimeError"):
        raise AuditError(f"Lighthouse could not audit {page}: {result['runtimeError']}")
    categories = result["categories"]
    audits = result["audits"]
    failing = []
    for name in CATEGORIES:
        # Only what counts towards the score: not the diagnostics, which
        # Lighthouse lists for every page of a theme like this one.
        for ref in categories[name]["auditRefs"]:
            if not ref["weight"]:
                continue
            audit = audits[ref["id"]]
            passed = 1 if audit["scoreDisplayMode"] == "binary" else 0.9
            if audit["score"] is not None and audit["score"] < passed:
                value = (
                    f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                )
                failing.append(f"{name}: {audit['title']}{value}")
    return {
        "page": page,
        "scores": {
            name: round(100 * (categories[name]["score"] or 0)) for name in CATEGORIES
        },
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "failing": sorted(set(failing)),
    }


def problems(summaries: list[dict]) -> list[str]:
    """What fails the audit: accessibility below 100, or over MAX_BYTES."""
    found = []
    for page in summaries:
        where = page["page"] or "/"
        if page["scores"]["accessibility"] < 100:
            found.append(f"{where}: accessibility {page['scores']['accessibility']}")
        if page["bytes"] > MAX_BYTES:
            found.append(
                f"{where}: {page['bytes']:,} bytes transferred, over {MAX_BYTES:,}"
            )
    return found


def kilobytes(count: int) -> str:
    return f"{count / 1000:,.0f}"


def report(summaries: list[dict], server: str) -> str:
    """The report, in Markdown."""
    lines = [
        "# Lighthouse audit",
        "",
        f"Lighthouse {lighthouse_version()} (mobile preset) in {CHROMIUM}, "
        f"every page served with gzip by {server}. Limits: accessibility 100, "
        f"{MAX_BYTES // 1000} kB transferred; performance 95 is the target.",
        "",
        "| page | performance | accessibility | best practices | SEO | kB |",
        "|---|---|---|---|---|---|",
    ]
    for page in summaries:
        scores = " | ".join(str(page["scores"][name]) for name in CATEGORIES)
        lines.append(f"| /{page['page']} | {scores} | {kilobytes(page['bytes'])} |")
    failing = [page for page in summaries if page["failing"]]
    lines += ["", "## Failing audits", ""]
    if not failing:
        lines.append("None.")
    for page in failing:
        lines.append(f"- /{page['page']}: " + "; ".join(page["failing"]))
    return "\n".join(lines) + "\n"


def lighthouse_version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text("utf-8"))["version"]


def check_tools() -> None:
    if not LIGHTHOUSE.exists():
        raise AuditError(f"{LIGHTHOUSE} is missing: run `npm ci --ignore-scripts`")
    if not Path(CHROMIUM).exists():
        raise AuditError(missing("chromium"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--python-server",
        action="store_true",
        help="serve with the Python gzip server even when nginx is installed",
    )
    args = parser.parse_args(argv)
    try:
        check_tools()
        shutil.rmtree(OUT, ignore_errors=True)
        site = OUT / "site"
        build(site)
        use_nginx = not args.python_server and Path(nginx()).exists()
        serving, server = gzip_serving(site, OUT, use_nginx)
        summaries = []
        with serving as url:
            for page in built_pages(site):
                name = page.strip("/").replace("/", "-") or "index"
                print(f"Lighthouse: /{page}", file=sys.stderr, flush=True)
                result = lighthouse(url + page, OUT / f"{name}.json")
                summaries.append(summary(page, result))
    except AuditError as error:
        print(f"make audit: {error}", file=sys.stderr)
        return 2
    text = report(summaries, server)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    print(text)
    found = problems(summaries)
    for problem in found:
        print(f"FAILED {problem}", file=sys.stderr)
    print(f"(also in {(OUT / 'report.md').relative_to(ROOT)})", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
