"""The lab's HTTPS side: its own CA, its certificate, and what TLS tells it.

At start-up the lab makes a fresh local CA with trustme, writes the CA's
certificate (a PEM file, the one clients trust) to LAB_CA_BUNDLE, and has it
issue a certificate for 127.0.0.1 and localhost. Neither private key is ever
written out: trustme hands the server's key to ssl, and the CA's dies with the
process. trustme is the one package beyond the standard library that the lab
server needs, and only this module imports it, when TLS is set up.

The server accepts TLS 1.2 and 1.3, and issues session tickets (OpenSSL's
default, kept on purpose), so a client that offers a previous session can
resume it: a resumed handshake is the client's choice, never the lab's.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

MINIMUM_VERSION = ssl.TLSVersion.TLSv1_2  # older clients get a protocol_version alert
SERVER_NAMES = ("127.0.0.1", "localhost")


def server_context() -> tuple[ssl.SSLContext, bytes]:
    """A server context with a certificate from a new CA, and the CA's own
    certificate (PEM), for write_ca_bundle() once the lab listens."""
    import trustme  # not at import time: `python -m lab --help` needs no more

    ca = trustme.CA(organization_name="keep-alive guide lab")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = MINIMUM_VERSION
    ca.issue_cert(*SERVER_NAMES).configure_cert(context)
    return context, ca.cert_pem.bytes()


def write_ca_bundle(path: Path, data: bytes) -> None:
    """Replace the CA file in one step: a reader in another terminal sees the
    old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ca-", suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


@dataclass(frozen=True)
class TlsFacts:
    """What the lab saw of a connection's TLS handshake."""

    version: str  # "TLSv1.3"
    resumed: bool  # an abbreviated handshake that resumed an earlier session

    @classmethod
    def of(cls, writer: asyncio.StreamWriter) -> TlsFacts | None:
        """The facts of a connection's handshake; None for plain HTTP."""
        ssl_object = writer.get_extra_info("ssl_object")
        if ssl_object is None:
            return None
        return cls(ssl_object.version() or "?", ssl_object.session_reused)

    @property
    def session(self) -> str:
        return "resumed" if self.resumed else "new"

    def headers(self) -> list[tuple[str, str]]:
        """What every answer on the connection says about its TLS."""
        return [
            ("X-Lab-TLS-Session", self.session),
            ("X-Lab-TLS-Version", self.version),
        ]

    def __str__(self) -> str:
        return f"{self.version}, {self.session} session"
