"""The lab's routes, declared once.

A route is an async function registered with ``@route``:

    @route("/delay/{seconds}")
    async def delay(exchange: Exchange, seconds: str) -> Response:
        \"\"\"Waits `seconds` (0 to 300), then answers 200.\"\"\"

Everything else derives from that one declaration:

- the path pattern's ``{names}`` are the function's positional parameters,
  given the URL-decoded path segments;
- its keyword-only parameters are the query parameters it takes, with their
  defaults; a route that takes any rejects the ones it does not know;
- ``methods`` are the methods it allows (GET allows HEAD too; None: any), and
  every other method gets a 405 with an ``Allow`` header;
- ``control=True`` keeps its requests out of ``/stats``;
- its docstring describes it: the first sentence for ``python -m lab --routes``,
  all of it for the table on the Lab server page.

The router, the 405 answers, the set of control routes, the CLI's list and
the page's table all read ``ROUTES``; there is no second list.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qsl, unquote

from lab.wire import Response

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


class Invalid(Exception):
    """A bad route parameter: answer 400 with this message, keep the connection."""


@dataclass(frozen=True)
class Drop:
    """A route's decision to close the connection instead of answering."""

    how: str  # "fin" or "rst"


Outcome = Response | Drop
Handler = Callable[..., Awaitable[Outcome]]


@dataclass(frozen=True)
class Route:
    pattern: str  # "/flaky/{key}/{failures}"
    handler: Handler
    methods: tuple[str, ...] | None  # None: any method
    control: bool  # not counted in /stats
    query: dict[str, str | None]  # the query parameters it takes, defaults

    @cached_property
    def segments(self) -> list[str]:
        return self.pattern.split("/")[1:]

    @cached_property
    def allowed(self) -> tuple[str, ...] | None:
        """The methods it answers (GET brings HEAD); None: any method."""
        if self.methods is None or "GET" not in self.methods:
            return self.methods
        return (*self.methods, "HEAD")

    @property
    def allow(self) -> str | None:
        """The Allow header of a 405: None if any method is allowed."""
        return None if self.allowed is None else ", ".join(self.allowed)

    @property
    def description(self) -> str:
        """The docstring as one paragraph: what the route does."""
        return " ".join(inspect.getdoc(self.handler).split())  # type: ignore[union-attr]

    @property
    def summary(self) -> str:
        """The first sentence of the description."""
        return re.split(r"(?<=\.) ", self.description, maxsplit=1)[0]

    @property
    def usage(self) -> str:
        """The pattern with its query parameters and defaults: /stream/{n}?chunk=1024"""
        query = "&".join(
            f"{name}={{{name}}}" if default is None else f"{name}={default}"
            for name, default in self.query.items()
        )
        return f"{self.pattern}?{query}" if query else self.pattern

    def match(self, segments: list[str]) -> dict[str, str] | None:
        """The path parameters if the path's segments fit the pattern, else None."""
        if len(segments) != len(self.segments):
            return None
        params = {}
        for want, got in zip(self.segments, segments, strict=True):
            if placeholder := _PLACEHOLDER.fullmatch(want):
                params[placeholder[1]] = got
            elif want != got:
                return None
        return params

    def allows(self, method: str) -> bool:
        return self.allowed is None or method in self.allowed

    def arguments(
        self, path_params: dict[str, str], query: str
    ) -> dict[str, str | None]:
        """The handler's keyword arguments: path parameters, then the query's."""
        if not self.query:  # routes that take no query parameters ignore it
            return path_params
        given = dict(parse_qsl(query, keep_blank_values=True))
        if unknown := sorted(given.keys() - self.query.keys()):
            takes = ", ".join(sorted(self.query))
            raise Invalid(
                f"unknown query parameter {unknown[0]!r} (this route takes {takes})"
            )
        return {**path_params, **self.query, **given}


class Registry:
    """Routes in the order they were registered; the lab's own is ROUTES."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)

    def route(
        self,
        pattern: str,
        *,
        methods: tuple[str, ...] | None = None,
        control: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register a handler for `pattern`; see the module's docstring."""

        def register(handler: Handler) -> Handler:
            parameters = list(inspect.signature(handler).parameters.values())[1:]
            positional = [
                p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD
            ]
            query = {p.name: p.default for p in parameters if p.kind is p.KEYWORD_ONLY}
            placeholders = _PLACEHOLDER.findall(pattern)
            # Checked at import: a pattern and its function cannot drift apart,
            # and no declaration is accepted that could never work.
            segments = pattern.split("/")[1:]
            if any("{" in s and not _PLACEHOLDER.fullmatch(s) for s in segments):
                raise TypeError(f"{pattern}: a {{placeholder}} is a whole segment")
            if positional != placeholders:
                raise TypeError(f"{pattern}: parameters {positional} != {placeholders}")
            if not inspect.getdoc(handler):
                raise TypeError(
                    f"{pattern}: a route needs a docstring saying what it does"
                )
            if not all(d is None or isinstance(d, str) for d in query.values()):
                raise TypeError(f"{pattern}: give each query parameter a default")
            if shadow := self.find(pattern):
                raise TypeError(f"{pattern} is already served by {shadow[0].pattern}")
            self.routes.append(Route(pattern, handler, methods, control, query))
            return handler

        return register

    def describe(self) -> list[dict[str, str | bool]]:
        """Each route as plain data: for the docs, which build in another process."""
        return [
            {
                "usage": route.usage,
                "methods": route.allow or "any",
                "control": route.control,
                "summary": route.summary,
                "description": route.description,
            }
            for route in self.routes
        ]

    def find(self, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for a path and its path parameters; None if no route fits."""
        segments = [unquote(segment) for segment in path.split("/")[1:]]
        for candidate in self.routes:
            if (params := candidate.match(segments)) is not None:
                return candidate, params
        return None


ROUTES = Registry()  # the lab's routes: lab.routes registers every one
route = ROUTES.route
find = ROUTES.find


def parse_integer(text: str, what: str, low: int, high: int) -> int:
    """A route parameter that must be an integer from `low` to `high`."""
    ok = text.isascii() and text.isdigit() and len(text) <= 10
    value = int(text) if ok else low - 1
    if not low <= value <= high:
        raise Invalid(f"{what} must be an integer from {low} to {high}, got {text!r}")
    return value


def parse_seconds(
    text: str, what: str, maximum: float, *, positive: bool = False
) -> float:
    """A route parameter that must be a plain decimal number of seconds."""
    value = float(text) if _DECIMAL.fullmatch(text) else -1.0
    too_low = value <= 0 if positive else value < 0
    if too_low or value > maximum:
        bounds = f"{'0 < s' if positive else '0 <= s'} <= {maximum:g}"
        message = f"{what} must be a number of seconds s with {bounds}, got {text!r}"
        raise Invalid(message)
    return value
