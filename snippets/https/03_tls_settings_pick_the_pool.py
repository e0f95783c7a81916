"""Another verify= or cert= on a request: another pool, another connection."""

import shutil
import tempfile
from pathlib import Path

import requests
import trustme

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL, lab_stats, reset_lab

with tempfile.TemporaryDirectory() as folder:
    other_path = shutil.copy(LAB_CA_BUNDLE, Path(folder) / "ca.pem")
    # A client certificate, from a CA of our own: the lab asks for none.
    client = trustme.CA().issue_cert("me@example.org")
    cert = str(Path(folder) / "client.pem")
    client.private_key_and_cert_chain_pem.write_to_path(cert)

    reset_lab()
    with requests.Session() as session:
        for label, settings in [
            ("the lab's CA", {"verify": LAB_CA_BUNDLE}),
            ("the lab's CA again", {"verify": LAB_CA_BUNDLE}),
            ("the same CA, another path", {"verify": other_path}),
            ("plus a client cert", {"verify": LAB_CA_BUNDLE, "cert": cert}),
        ]:
            response = session.get(LAB_HTTPS_URL, timeout=5, **settings)  # <-
            print(f"{label}: request {response.json()['request']}")
            #> the lab's CA: request 1
            #> the lab's CA again: request 2
            #> the same CA, another path: request 1
            #> plus a client cert: request 1
print(lab_stats())
#> {'connections': 3, 'requests': 4, 'tls_full': 3, 'tls_resumed': 0}
