"""The order the suite runs in: tests that wait for the site pass come last."""

from types import SimpleNamespace

from tests.conftest import pytest_collection_modifyitems


def test_the_tests_that_wait_for_the_site_run_last_in_their_order():
    def item(name: str, *fixtures: str) -> SimpleNamespace:
        return SimpleNamespace(name=name, fixturenames=list(fixtures))

    items = [
        item("browser 1", "site_in_browser", "site", "build"),
        item("lab 1", "lab_url"),
        item("built", "site", "build"),
        item("browser 2", "site_in_browser", "site", "build"),
        item("lab 2"),
    ]
    pytest_collection_modifyitems(items)
    assert [i.name for i in items] == [
        "lab 1",
        "lab 2",
        "built",
        "browser 1",
        "browser 2",
    ]
