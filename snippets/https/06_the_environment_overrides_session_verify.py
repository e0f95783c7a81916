"""REQUESTS_CA_BUNDLE in the environment replaces a Session's verify setting."""

import os

import certifi
import requests

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL

# Some machines set it for every program, to the system's CA bundle.
os.environ["REQUESTS_CA_BUNDLE"] = certifi.where()
try:
    with requests.Session() as session:
        session.verify = LAB_CA_BUNDLE  # <- loses to the environment
        for label, trust_env, settings in [
            ("Session.verify", True, {}),
            ("verify= on the request", True, {"verify": LAB_CA_BUNDLE}),
            ("Session.verify, trust_env=False", False, {}),  # <- proxies too
        ]:
            session.trust_env = trust_env
            try:
                session.get(LAB_HTTPS_URL, timeout=5, **settings)
                outcome = "trusted"
            except requests.exceptions.SSLError:
                outcome = "SSLError"
            print(f"{label}: {outcome}")
            #> Session.verify: SSLError
            #> verify= on the request: trusted
            #> Session.verify, trust_env=False: trusted
finally:
    del os.environ["REQUESTS_CA_BUNDLE"]
