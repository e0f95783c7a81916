"""/delay/{seconds} answers late: long enough to trip a short read timeout."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    print(session.get(f"{LAB_URL}/delay/0.1", timeout=5).status_code)
    #> 200
    try:
        session.get(f"{LAB_URL}/delay/5", timeout=(5, 0.1))  # <- too slow
    except requests.ReadTimeout:
        print("ReadTimeout")
        #> ReadTimeout
