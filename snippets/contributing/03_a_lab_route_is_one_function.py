"""A lab route is one function: the registry derives everything else from it."""

from lab.registry import Registry
from lab.routes import Exchange, json_response

routes = Registry()  # lab/routes.py registers on the lab's own, with @route


@routes.route("/teapot/{cups}", methods=("GET",))  # <- pattern and methods
async def teapot(ex: Exchange, cups: str, *, spout: str = "left"):  # <-
    """Answers 418 for any number of cups. The first sentence is the summary."""
    return json_response(418, {"cups": cups, "spout": spout})


found, path_params = routes.find("/teapot/3")
print(found.usage, "|", found.allow)
#> /teapot/{cups}?spout=left | GET, HEAD
print(found.arguments(path_params, "spout=right"))
#> {'cups': '3', 'spout': 'right'}
print(found.summary)
#> Answers 418 for any number of cups.
