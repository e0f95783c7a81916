"""The recipe's idle expiry: a fresh connection, not a stale one's error."""

import time

import requests

from lab import LAB_URL, lab_stats, recipe, reset_lab

RECIPE = recipe("deployment/00_recipe_retire_old_connections.py")
RetiringAdapter = RECIPE.RetiringAdapter  # the recipe above, as it is


def after_an_idle_gap(adapter) -> str:
    """/fin/2 drops request 2 of a connection, as a server that timed it out."""
    reset_lab()
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.get(f"{LAB_URL}/fin/2", timeout=5)
        time.sleep(0.15)  # idle for longer than the expiry below
        try:
            status = session.get(f"{LAB_URL}/fin/2", timeout=5).status_code
        except requests.ConnectionError as error:
            status = type(error).__name__
    return f"{status}, {lab_stats()}"


print(after_an_idle_gap(requests.adapters.HTTPAdapter()))
#> ConnectionError, {'connections': 1, 'requests': 2}
print(after_an_idle_gap(RetiringAdapter(idle_expiry=0.1)))  # <- retires it
#> 200, {'connections': 2, 'requests': 2}
