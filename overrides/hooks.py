"""MkDocs hooks for this guide.

- The footer of every page names the Python, requests and urllib3 versions the
  site was built with. They are read from the running environment: the same
  pinned virtual environment the test suite verifies every snippet in.
- A code block that includes a snippet gets the snippet's path as its title,
  so readers know which file to run. Pages never repeat the path by hand.
- Links into the requests and urllib3 sources are written against `main` and
  rendered against the tag of the installed version: the source a link shows
  is the source the outputs were verified with.
"""

import platform
import re
from importlib.metadata import version
from urllib.parse import urlsplit

# ```python  /  --8<-- "snippets/page/01_name.py"  (any indent, no title yet)
BARE_INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<language>python|console)[ \t]*\n"
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


# The libraries' repositories and how each one names its release tags.
SOURCE_TAGS = {
    "https://github.com/psf/requests/blob/main/": "v{version}",
    "https://github.com/urllib3/urllib3/blob/main/": "{version}",
}


def on_page_markdown(markdown, **_):
    for prefix, tag in SOURCE_TAGS.items():
        package = prefix.split("/")[4]
        pinned = prefix.replace("/main/", f"/{tag.format(version=version(package))}/")
        markdown = markdown.replace(prefix, pinned)
    return BARE_INCLUDE.sub(
        r'\g<indent>\g<fence>\g<language> title="\g<path>"\n'
        r'\g<indent>--8<-- "\g<path>"',
        markdown,
    )
