"""A connection opened with verify=False is not reused by a verified request."""

import warnings

import requests
from urllib3.exceptions import InsecureRequestWarning

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL, lab_stats, reset_lab

reset_lab()
with requests.Session() as session, warnings.catch_warnings():
    warnings.simplefilter("ignore", InsecureRequestWarning)  # it is the point
    unverified = session.get(LAB_HTTPS_URL, verify=False, timeout=5)  # <-
    verified = session.get(LAB_HTTPS_URL, verify=LAB_CA_BUNDLE, timeout=5)
same = unverified.json()["connection"] == verified.json()["connection"]
print("same connection:", same)
#> same connection: False
print(lab_stats())
#> {'connections': 2, 'requests': 2, 'tls_full': 2, 'tls_resumed': 0}
print("requests", requests.__version__)  # fixed in 2.32.0: CVE-2024-35195
#> requests 2.34.2
