"""The versions of Python, requests and urllib3 this guide was verified with."""

import sys

import requests
import urllib3

print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
#> Python 3.11
print(f"requests {requests.__version__}")
#> requests 2.34.2
print(f"urllib3 {urllib3.__version__}")
#> urllib3 2.8.0
