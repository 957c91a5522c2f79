"""The Jinja environment the pages are rendered in: its filters, its fragment cache, and template fingerprints.

Templates render typos as errors (StrictUndefined), escape everything they are given, and may
keep a block that many pages show alike with `{% cache key, ... %}...{% endcache %}` (see
`FragmentCache`).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from ..content.kinds import slugify
from .learning import Item, Tally
from .model import long_date, month_name

_long_date = functools.lru_cache(maxsize=4096)(long_date)  # pages show a few thousand dates, each many times


def template_error_place(exc: jinja2.TemplateError) -> str:
    """`path:line` of the template where rendering failed (Jinja puts template lines in the traceback).

    An error raised in a worker process carries its place with it, as `place`.
    """
    if place := getattr(exc, "place", None):
        return str(place)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith(".py")]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "templates"


def page_url(number: int, base: str = "/reviews/") -> str:
    return base if number == 1 else f"{base}page/{number}/"


def file_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"


def by_review(items: tuple[Item, ...]) -> list[tuple[Any, list[Item]]]:
    """Items grouped by their review, in order."""
    return [(entry, list(group)) for entry, group in itertools.groupby(items, key=lambda item: item.entry)]


class FragmentCache(Extension):
    """`{% cache key, ... %}body{% endcache %}`: the body is rendered once per key in one build.

    For a block that many pages show alike, such as a recommendation, which is listed on the pages
    of its agency, status, scope and themes. The key must name everything the body shows (an
    item's key stands for its review's content), except the chrome (`site`), which is the same
    on every page of a build: the footer's key is only its name. The cache is emptied before
    every build (`clear`), so nothing outlives the content, the date or the templates it was made from.
    """

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.tags = {"cache"}
        environment.extend(fragments={})

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", [nodes.Tuple(key, "load")]), [], [], body) \
            .set_lineno(lineno)

    def _fragment(self, key: tuple[Any, ...], caller: Callable[[], str]) -> Markup:
        fragments: dict[tuple[Any, ...], Markup] = self.environment.fragments  # type: ignore[attr-defined]
        if key not in fragments:
            fragments[key] = Markup(caller())
        return fragments[key]


def clear(env: jinja2.Environment) -> None:
    """Forget every cached fragment."""
    env.fragments.clear()  # type: ignore[attr-defined]


def environment(templates: Path, compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The templates' environment; `compiled` keeps their compiled code between processes."""
    env = jinja2.Environment(
        extensions=[FragmentCache],
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=compiled,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(long_date=_long_date, file_size=file_size, month_name=month_name, page_url=page_url,
                       tally=lambda recs, today: Tally.of(recs, today), groupby_entry=by_review, slug=slugify)
    return env


Uses = dict[str, tuple[str, set[str]]]  # template -> (its source, the templates it names)


def template_fingerprints(env: jinja2.Environment, templates: Path, known: Uses) -> dict[str, bytes]:
    """For each template, a digest of its source and of every template it extends, includes or imports.

    `known` keeps what each template names between calls, so only an edited template is parsed again.
    """
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted(templates.iterdir())
               if p.is_file() and p.suffix in (".html", ".xml", ".txt")}
    for name, source in sources.items():
        if known.get(name, ("",))[0] != source:
            known[name] = (source, {u for u in meta.find_referenced_templates(env.parse(source)) if u})
    uses = {name: known[name][1] for name in sources}

    def closure(name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += uses.get(current, ())
        return seen

    return {name: hashlib.blake2b("\0".join(sources.get(n, "") for n in sorted(closure(name))).encode()).digest()
            for name in sources}
