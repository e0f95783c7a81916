"""Five requests.get() calls make five TLS handshakes; a Session makes one."""

import requests

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL, lab_stats, reset_lab

reset_lab()
for _ in range(5):
    requests.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)  # <- each new
print(lab_stats())
#> {'connections': 5, 'requests': 5, 'tls_full': 5, 'tls_resumed': 0}

reset_lab()
with requests.Session() as session:
    for _ in range(5):
        session.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)  # <- reused
print(lab_stats())
#> {'connections': 1, 'requests': 5, 'tls_full': 1, 'tls_resumed': 0}
