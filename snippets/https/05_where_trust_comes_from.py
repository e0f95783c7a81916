"""Where requests gets the CAs it trusts, each tried against the lab's CA."""

import os
import ssl

import certifi
import requests
import truststore
from requests.adapters import HTTPAdapter

from lab import LAB_CA_BUNDLE, LAB_HTTPS_URL


class SystemTrustAdapter(HTTPAdapter):
    """Verifies with the operating system's trust store, through truststore."""

    def init_poolmanager(self, *args, **kwargs):
        kwargs["ssl_context"] = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        super().init_poolmanager(*args, **kwargs)


def trusts_the_lab(session: requests.Session, **settings) -> str:
    try:
        session.get(LAB_HTTPS_URL, timeout=5, **settings)
    except requests.exceptions.SSLError:
        return "no: SSLError"
    return "yes"


print(requests.certs.where() == certifi.where())  # the default: certifi
#> True
with requests.Session() as session:
    print("certifi:", trusts_the_lab(session))
    #> certifi: no: SSLError
    print("verify=path:", trusts_the_lab(session, verify=LAB_CA_BUNDLE))  # <-
    #> verify=path: yes
    os.environ["REQUESTS_CA_BUNDLE"] = LAB_CA_BUNDLE  # <- read on each request
    try:
        print("REQUESTS_CA_BUNDLE:", trusts_the_lab(session))
        #> REQUESTS_CA_BUNDLE: yes
    finally:
        del os.environ["REQUESTS_CA_BUNDLE"]
with requests.Session() as session:
    adapter = SystemTrustAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # The lab's CA is not in this machine's store, as a private CA would not be.
    print("the system's store:", trusts_the_lab(session))
    #> the system's store: no: SSLError
