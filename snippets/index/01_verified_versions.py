"""The versions of Python, requests and urllib3 this guide was verified with."""

import sys

import requests
import urllib3

print(f"Python {sys.version_info.major}.{sys.version_info.minor}")
print(f"requests {requests.__version__}")
print(f"urllib3 {urllib3.__version__}")
