"""Retry sorts errors into connect and read errors, and treats them apart."""

from http.client import RemoteDisconnected

from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

default = HTTPAdapter().max_retries  # what every Session starts with
print("total:", default.total, "read:", default.read)
#> total: 0 read: False

# A refused connection is a connect error: its class says so.
print(issubclass(NewConnectionError, ConnectTimeoutError))
#> True


def kind(error: Exception) -> str:
    if default._is_connection_error(error):
        return "connect"  # no TCP connection: nothing was sent
    if default._is_read_error(error):
        return "read"  # the request may have gone out, and been acted on
    return "other"


errors = {
    "refused": NewConnectionError(None, "Connection refused"),
    "connect timeout": ConnectTimeoutError("connect timed out"),
    # What urllib3 makes of a connection dropped before the response came:
    "dropped": ProtocolError("Connection aborted.", RemoteDisconnected()),
    "read timeout": ReadTimeoutError(None, "/", "read timed out"),
}
rows = []
for name, error in errors.items():
    try:
        default.increment("GET", "/", error=error)
    except Exception as raised:  # what the default Retry lets through
        rows.append(f"{name:<16}{kind(error):<8}{type(raised).__name__}")
for row in rows:
    print(row)
    #> refused         connect MaxRetryError
    #> connect timeout connect MaxRetryError
    #> dropped         read    ProtocolError
    #> read timeout    read    ReadTimeoutError
