"""`make audit`'s own parts, without Lighthouse: the gzip servers it measures
behind, and the verdict it draws from Lighthouse's results. The audit itself
takes minutes, so it is not part of `make test`; CI runs it after."""

from pathlib import Path

import pytest
import requests

from tools import audit

TEXT = "<!doctype html><title>t</title><p>" + "A page of text. " * 40 + "</p>\n"


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "page").mkdir(parents=True)
    (site / "index.html").write_text(TEXT)
    (site / "page" / "index.html").write_text(TEXT.replace("A page", "Another"))
    (site / "404.html").write_text(TEXT.replace("A page", "Nothing"))
    (site / "style.css").write_text("p { color: black; }\n" * 40)
    (site / "image.png").write_bytes(bytes(range(256)) * 4)
    return site


@pytest.fixture(params=["nginx", "python"])
def gzip_server(request, small_site: Path, tmp_path: Path):
    """Each server the audit can use, serving the small site; its URL."""
    use_nginx = request.param == "nginx"
    if use_nginx and not Path(audit.nginx()).exists():
        pytest.skip("nginx is not installed: the audit uses its Python server")
    serving, _ = audit.gzip_serving(small_site, tmp_path / "server", use_nginx)
    with serving as url:
        yield url


def get(url: str, encoding: str = "gzip") -> requests.Response:
    """requests decompresses what it gets: the headers say what was sent."""
    return requests.get(
        url, headers={"Accept-Encoding": encoding}, timeout=10, allow_redirects=False
    )


def test_the_audit_serves_text_compressed_as_a_host_does(gzip_server, small_site):
    for path, file in [("", "index.html"), ("style.css", "style.css")]:
        response = get(gzip_server + path)
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") == "gzip", path
        assert response.content == (small_site / file).read_bytes(), path
        plain = get(gzip_server + path, encoding="identity")
        assert "Content-Encoding" not in plain.headers, path
        assert plain.content == (small_site / file).read_bytes(), path
    image = get(gzip_server + "image.png")
    assert "Content-Encoding" not in image.headers, "images are compressed already"
    assert image.content == (small_site / "image.png").read_bytes()


def test_the_audit_server_answers_as_a_static_host_does(gzip_server, small_site):
    assert (
        get(gzip_server + "page/").text == (small_site / "page/index.html").read_text()
    )
    moved = get(gzip_server + "page")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/page/")
    missing = get(gzip_server + "no-such-page/")
    assert missing.status_code == 404
    assert missing.text == (small_site / "404.html").read_text()


def lighthouse_result(
    accessibility: float = 1.0,
    performance: float = 0.5,
    transferred: int = 120_000,
    contrast: float | None = 1,
) -> dict:
    """The parts of Lighthouse's JSON the audit reads."""
    audits = {
        "total-byte-weight": {
            "score": 0.5,
            "scoreDisplayMode": "numeric",
            "numericValue": transferred,
            "title": "Avoids enormous network payloads",
        },
        "color-contrast": {
            "score": contrast,
            "scoreDisplayMode": "binary",
            "title": "Background and foreground colors have a sufficient contrast",
        },
        "largest-contentful-paint": {
            "score": 0.4,
            "scoreDisplayMode": "numeric",
            "title": "Largest Contentful Paint",
            "displayValue": "4.1 s",
        },
    }
    refs = {  # the audits that count, and one that does not (weight 0)
        "performance": [("largest-contentful-paint", 25), ("total-byte-weight", 0)],
        "accessibility": [("color-contrast", 7)],
        "best-practices": [],
        "seo": [],
    }
    scores = {"performance": performance, "accessibility": accessibility}
    return {
        "categories": {
            name: {
                "score": scores.get(name, 1.0),
                "auditRefs": [
                    {"id": audit_id, "weight": weight} for audit_id, weight in ids
                ],
            }
            for name, ids in refs.items()
        },
        "audits": audits,
    }


def test_the_audit_fails_on_accessibility_or_weight_not_on_performance():
    slow = audit.summary("slow/", lighthouse_result(performance=0.42))
    assert slow["scores"]["performance"] == 42
    assert slow["failing"] == ["performance: Largest Contentful Paint (4.1 s)"]
    assert audit.problems([slow]) == [], "performance is reported, not enforced"

    faint = audit.summary("faint/", lighthouse_result(accessibility=0.96, contrast=0))
    assert "accessibility: Background and foreground colors" in faint["failing"][0]
    assert audit.problems([faint]) == ["faint/: accessibility 96"]

    at_the_limit = audit.summary("", lighthouse_result(transferred=audit.MAX_BYTES))
    heavy = audit.summary("", lighthouse_result(transferred=audit.MAX_BYTES + 1))
    assert audit.problems([at_the_limit]) == []
    assert audit.problems([heavy]) == ["/: 300,001 bytes transferred, over 300,000"]

    table = audit.report([slow, faint, heavy], "nginx")
    assert "| /slow/ | 42 | 100 | 100 | 100 | 120 |" in table
    assert "- /faint/: accessibility: Background" in table


def test_an_audit_lighthouse_could_not_run_is_an_error():
    broken = {**lighthouse_result(), "runtimeError": {"code": "NO_FCP"}}
    with pytest.raises(audit.AuditError, match="could not audit page/"):
        audit.summary("page/", broken)


def test_the_audit_rejects_unknown_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        audit.main(["--no-such-option"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err
