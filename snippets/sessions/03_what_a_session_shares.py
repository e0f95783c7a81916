"""A Session carries headers, cookies and adapters from request to request."""

import requests

from lab import LAB_URL

with requests.Session() as session:
    session.headers["X-Team"] = "payments"  # <- sent with every request
    session.cookies.set("flavour", "oatmeal")  # <- and so is this cookie

    # The lab echoes the request head exactly as it arrived.
    echoed = session.get(f"{LAB_URL}/echo", timeout=5).text
    for line in echoed.splitlines():
        if line.startswith(("X-Team", "Cookie")):
            print(line)
            #> X-Team: payments
            #> Cookie: flavour=oatmeal

    # Requests to URLs starting with these prefixes go through these adapters.
    print(list(session.adapters))  # <- and the adapters
    #> ['https://', 'http://']
