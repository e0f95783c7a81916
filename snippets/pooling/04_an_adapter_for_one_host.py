"""An adapter mounted on one host serves that host, not the same lab's alias."""

import requests
from requests.adapters import HTTPAdapter

from lab import LAB_ALIAS_URL, LAB_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session:
    lab_only = HTTPAdapter(pool_maxsize=4)
    session.mount(f"{LAB_URL}/", lab_only)  # <- one host, trailing slash

    print("LAB_URL:", session.get_adapter(f"{LAB_URL}/") is lab_only)
    #> LAB_URL: True
    alias = session.get_adapter(f"{LAB_ALIAS_URL}/")
    print("LAB_ALIAS_URL:", alias is lab_only)
    #> LAB_ALIAS_URL: False

    session.get(LAB_URL, timeout=5)
    session.get(LAB_ALIAS_URL, timeout=5)  # <- the alias: the default adapter
    # Each adapter opened a pool for the one host it served.
    print("pools in lab_only:", len(lab_only.poolmanager.pools))
    #> pools in lab_only: 1
    default = session.adapters["http://"]
    print("pools in the default adapter:", len(default.poolmanager.pools))
    #> pools in the default adapter: 1

print(lab_stats())
#> {'connections': 2, 'requests': 2}
