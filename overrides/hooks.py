"""MkDocs hooks for this guide.

- The footer of every page names the Python, requests and urllib3 versions the
  site was built with. They are read from the running environment: the same
  pinned virtual environment the test suite verifies every snippet in.
- A code block that includes a snippet gets the snippet's path as its title,
  so readers know which file to run. Pages never repeat the path by hand.
"""

import platform
import re
from importlib.metadata import version
from urllib.parse import urlsplit

# ```python  /  --8<-- "snippets/page/01_name.py"  (any indent, no title yet)
BARE_INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})python[ \t]*\n"
    r'(?P=indent)--8<-- "(?P<path>[^"]+)"',
    re.MULTILINE,
)


def on_config(config):
    config.extra["verified_with"] = {
        "Python": platform.python_version(),
        "requests": version("requests"),
        "urllib3": version("urllib3"),
    }
    # Name the repository after its URL, so that REPO_URL alone re-points it.
    config.repo_name = urlsplit(config.repo_url).path.strip("/")
    return config


def on_page_markdown(markdown, **_):
    return BARE_INCLUDE.sub(
        lambda match: (
            f'{match["indent"]}{match["fence"]}python title="{match["path"]}"\n'
            f'{match["indent"]}--8<-- "{match["path"]}"'
        ),
        markdown,
    )
