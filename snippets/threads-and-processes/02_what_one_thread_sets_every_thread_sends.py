"""What one thread sets on a shared Session, every other thread sends."""

import threading

import requests

from lab import LAB_URL

with requests.Session() as session:

    def log_in(user: str) -> None:
        session.headers["Authorization"] = f"Bearer {user}-token"  # <- shared
        session.cookies.set("user", user)  # <- the Session's one cookie jar

    def send(sent: list[str]) -> None:
        echo = session.get(f"{LAB_URL}/echo", timeout=5).text  # what arrived
        for line in echo.split("\r\n"):
            if line.startswith(("Authorization:", "Cookie:")):
                sent.append(line)

    thread = threading.Thread(target=log_in, args=("alice",))
    thread.start()
    thread.join()  # one thread logs in, and is done before the other sends
    sent: list[str] = []
    thread = threading.Thread(target=send, args=(sent,))
    thread.start()
    thread.join()
for line in sent:
    print(line)
    #> Authorization: Bearer alice-token
    #> Cookie: user=alice
