"""Over HTTPS, every answer also says how its connection's handshake went."""

import requests

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL, lab_stats, reset_lab

reset_lab()
# verify= names the lab's own CA: its certificate is signed by nothing else.
response = requests.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)  # <-
print(response.headers["X-Lab-TLS-Session"])
#> new
print(response.headers["X-Lab-TLS-Version"])
#> TLSv1.3
print(lab_stats())
#> {'connections': 1, 'requests': 1, 'tls_full': 1, 'tls_resumed': 0}
