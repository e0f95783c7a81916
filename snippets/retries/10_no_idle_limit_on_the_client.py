"""A pool and its connections take no idle timeout: nothing expires them."""

import inspect

from urllib3 import HTTPConnectionPool
from urllib3.connection import HTTPConnection


def settings(function) -> str:
    """The public parameters a constructor takes."""
    names = inspect.signature(function).parameters
    return " ".join(n for n in names if n != "self" and not n.startswith("_"))


print(settings(HTTPConnectionPool.__init__))
#> host port timeout maxsize block headers retries conn_kw
print(settings(HTTPConnection.__init__))
#> host port timeout source_address blocksize socket_options proxy proxy_config
