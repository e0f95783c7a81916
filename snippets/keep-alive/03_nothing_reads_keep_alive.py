"""Every line of requests, urllib3 and http.client that mentions keep-alive."""

import http.client
import re
from pathlib import Path

import requests
import urllib3

KEEP_ALIVE = re.compile("keep-alive", re.IGNORECASE)

found = []
for module in (requests, urllib3, http.client):
    source = Path(module.__file__)
    folder = source.parent
    # A package: all its files. A module: its one file.
    package = source.name == "__init__.py"
    for path in sorted(folder.rglob("*.py")) if package else [source]:
        lines = path.read_text(encoding="utf-8").splitlines()
        hits = [line.strip() for line in lines if KEEP_ALIVE.search(line)]
        if hits:
            found.append(str(path.relative_to(folder.parent)))
            found.extend(f"    {hit}" for hit in hits)

for line in found:
    print(line)
    #> requests/utils.py
    #>     "Connection": "keep-alive",
    #> urllib3/util/request.py
    #>     If ``True``, adds 'connection: keep-alive' header.
    #>     # {'connection': 'keep-alive', 'user-agent': 'Batman/1.0'}
    #>     headers["connection"] = "keep-alive"
    #> http/client.py
    #>     # For older HTTP, Keep-Alive indicates persistent connection.
    #>     if self.headers.get("keep-alive"):
    #>     # At least Akamai returns a "Connection: Keep-Alive" header,
    #>     if conn and "keep-alive" in conn.lower():
    #>     if pconn and "keep-alive" in pconn.lower():
