"""Recipe: stream a large download to disk, and give its connection back."""

import os
import tempfile
from pathlib import Path

import requests

BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8765")  # your service

with requests.Session() as session, tempfile.TemporaryDirectory() as folder:
    target = Path(folder) / "download"
    # `with` closes the response even if writing fails: no connection leaks.
    with session.get(BASE_URL, stream=True, timeout=(3.05, 30)) as response:
        response.raise_for_status()
        with target.open("wb") as file:
            # Decoded, as with response.content: a gzip body is saved unzipped.
            for chunk in response.iter_content(chunk_size=64 * 1024):
                file.write(chunk)
        # Read to the end: the response has released its connection.
        print("released:", response.raw.connection is None)
        #> released: True
