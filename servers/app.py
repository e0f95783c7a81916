"""The one tiny app every Python server runs: WSGI for gunicorn and waitress,
ASGI for uvicorn and hypercorn.

It answers any request with 200 and a small JSON body saying which server
served it and the client's port as that server lets the app see it
(`REMOTE_PORT` in WSGI, `scope["client"]` in ASGI). The same two facts go in
the headers `X-Served-By` and `X-Client-Port`, as every server in
servers/registry.py sends them. The launcher names the server in the
environment variable SERVED_BY.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

SERVED_BY = os.environ.get("SERVED_BY", "unknown")


def answer(client_port: int | str | None) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and body of the answer, for a client on `client_port`."""
    port = int(client_port) if client_port not in (None, "") else None
    body = json.dumps({"served_by": SERVED_BY, "client_port": port}).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Served-By", SERVED_BY),
        ("X-Client-Port", str(port)),
    ]
    return headers, body


def wsgi_app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    headers, body = answer(environ.get("REMOTE_PORT"))
    start_response("200 OK", headers)
    return [body]


async def asgi_app(scope: dict[str, Any], receive: Callable, send: Callable) -> None:
    if scope["type"] == "lifespan":  # start-up and shut-down: nothing to do
        while True:
            event = (await receive())["type"].removeprefix("lifespan.")
            await send({"type": f"lifespan.{event}.complete"})
            if event == "shutdown":
                return
    while (await receive()).get("more_body"):  # read the request body, if any
        pass
    client = scope.get("client")
    headers, body = answer(client[1] if client else None)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(name.encode(), value.encode()) for name, value in headers],
        }
    )
    await send({"type": "http.response.body", "body": body})
