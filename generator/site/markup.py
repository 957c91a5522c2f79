"""Markdown to safe HTML: one configured Python-Markdown instance, output sanitised with nh3.

The same pass shifts headings under the page's own and marks the items of a letter's top-level lists,
bulleted or numbered, as the panel's feedback points, each with a permanent anchor: a nested item is a
point of its own, under its parent.

Those anchors are the only `id`s the HTML keeps: an `id` written in the content (raw HTML) is dropped, so it
can never duplicate, or take, an anchor of the site's own (`letter-2024-08-07-point-1`, `action-plan`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import Registry

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "li": {"id"}, "ol": {"start"}, "th": {"align"},
                      "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Python-Markdown's inline patterns and block processors, each with the text it cannot match without
# (any of). A document is offered only those it could match, which gives the same HTML: trying
# every inline pattern on every run of text was half of Markdown's time. Those not named are always offered.
INLINE_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"), "em_strong2": ("_",),
    "not_strong": ("*", "_"), "linebreak": ("  \n", "\t\n", "\t \n"),  # a tab is spaces to Markdown
}
BLOCK_NEEDS = {"quote": (">",), "reference": ("[",), "table": ("|",)}
OWN_ID = f"dhr{secrets.token_hex(8)}-"  # marks the ids this module sets until `sanitise` keeps them: content
# cannot know it, so it cannot write an id that survives
PLACEHOLDER = frozenset("\x02\x03")  # what Python-Markdown's placeholders in the tree begin and end with
MARKS = frozenset(mark for needs in (INLINE_NEEDS, BLOCK_NEEDS) for marks in needs.values() for mark in marks)


@dataclass(frozen=True, slots=True)
class Point:
    """One feedback point: an item of a letter's list, its own text without the points nested in it."""

    number: int
    text: str
    anchor: str
    parent: int = 0  # the number of the point it is nested under; 0 at the top


@dataclass(frozen=True)
class Rendered:
    html: str
    points: tuple[Point, ...] = ()


class _Shape(Treeprocessor):
    """Shift heading levels and collect the items of top-level lists, nested ones included, as feedback points."""

    base_level = 2
    anchor_prefix = ""

    def run(self, root: Element) -> None:
        self.points: list[Point] = []
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                element.tag = f"h{min(6, int(element.tag[1]) + self.base_level - 1)}"
        if not self.anchor_prefix:
            return
        for top in (child for child in root if child.tag in ("ul", "ol")):
            self._items(top, 0)

    def _items(self, element: Element, parent: int) -> None:
        """Number the items of a list and of the lists nested in them, in reading order."""
        for li in element.findall("li"):
            number = len(self.points) + 1
            anchor = f"{self.anchor_prefix}-point-{number}"
            li.set("id", OWN_ID + anchor)
            self.points.append(Point(number, _own_text(li), anchor, parent))  # see `render` for where it is kept
            for nested in li:  # Python-Markdown puts a nested list directly in its item
                if nested.tag in ("ul", "ol"):
                    self._items(nested, number)


def _own_text(li: Element) -> str:
    """An item's text in the tree, without the lists nested in it: as the page shows it, unless it holds code
    (escaped in the tree already, so then a placeholder's mark alone) or Python-Markdown's placeholders (see
    `render`)."""
    parts: list[str] = []
    todo: list[Element | str] = [li]
    while todo:  # the elements in reading order, each followed by its tail
        element = todo.pop()
        if isinstance(element, str):
            parts.append(element)
            continue
        if element.tag == "code":
            return "\x02"
        parts.append(element.text or "")
        for child in reversed(element):
            todo.append(child.tail or "")
            if child.tag not in ("ul", "ol"):
                todo.append(child)
    return " ".join("".join(parts).split())


class _ShapeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_Shape(md), "dhr-shape", 0)


# Extensions given as objects, not names: a name is looked up among every installed package's entry points.
_md = markdown.Markdown(extensions=[SaneListExtension(), TableExtension(), _ShapeExtension()], output_format="html")
_shape: _Shape = _md.treeprocessors["dhr-shape"]  # type: ignore[assignment]
_inline: InlineProcessor = _md.treeprocessors["inline"]  # type: ignore[assignment]
_all_patterns, _all_blocks = _md.inlinePatterns, _md.parser.blockprocessors
_offered: dict[tuple[int, frozenset[str]], tuple[Any, ...]] = {}  # by the registry's id and the names left out


def _offer(registry: Registry[Any], needs: Mapping[str, tuple[str, ...]], present: frozenset[str]) -> tuple[Any, ...]:
    """The members of `registry` that could match in a text with the `present` MARKS, in their order.

    A tuple: Python-Markdown only iterates, counts and indexes them, which a Registry does in Python.
    """
    absent = frozenset(name for name, marks in needs.items() if present.isdisjoint(marks))
    if (id(registry), absent) not in _offered:
        offered = registry[:]
        for name in absent:
            offered.deregister(name, strict=False)
        _offered[(id(registry), absent)] = tuple(offered)
    return _offered[(id(registry), absent)]


def render(text: str, base_level: int = 2, anchor_prefix: str = "") -> Rendered:
    """Render Markdown; with `anchor_prefix`, top-level list items become feedback points."""
    _md.reset()
    _shape.base_level = base_level
    _shape.anchor_prefix = anchor_prefix
    _shape.points = []  # Markdown runs no treeprocessor on a blank text: never the points of the text before
    present = frozenset(mark for mark in MARKS if mark in text)
    _inline.inlinePatterns = _offer(_all_patterns, INLINE_NEEDS, present)  # type: ignore[assignment]
    _md.parser.blockprocessors = _offer(_all_blocks, BLOCK_NEEDS, present)  # type: ignore[assignment]
    html = sanitise(_md.convert(text))
    points = _shape.points
    if points and (_md.htmlStash.html_counter or any(not PLACEHOLDER.isdisjoint(p.text) for p in points)):
        # Raw HTML, entities and some links stand in the tree as placeholders until the HTML is written and
        # sanitised, and code is escaped: then each item's text is read from the page itself. (Reading every
        # letter's page took a tenth of reading the content.)
        texts = _texts(html, {point.anchor for point in points})
        points = [Point(p.number, texts.get(p.anchor, ""), p.anchor, p.parent) for p in points]
    return Rendered(html, tuple(points))


class _ItemText(HTMLParser):
    """The text of each list item whose id is wanted, as a reader sees it on the page, without the items nested
    in it (each of those is read as its own)."""

    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str | None, list[str]]] = []  # the list items open: their id, if wanted, and text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            anchor = dict(attrs).get("id")
            self._open.append((anchor if anchor in self.wanted else None, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._open:
            anchor, parts = self._open.pop()
            if anchor:
                self.texts.setdefault(anchor, " ".join("".join(parts).split()))

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1][0]:
            self._open[-1][1].append(data)


def _texts(html: str, anchors: set[str]) -> dict[str, str]:
    """The text of the list items with these ids in sanitised HTML: what the page shows, nothing the Markdown
    parser keeps for itself (its placeholders for inline HTML are resolved by then)."""
    parser = _ItemText(anchors)
    parser.feed(html)
    parser.close()
    return parser.texts


def sanitise(html: str) -> str:
    """Keep only harmless markup: no scripts, styles, event handlers, frames, forms or odd links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
        attribute_filter=_own_ids,
    )


def _own_ids(tag: str, attribute: str, value: str) -> str | None:
    """Keep an `id` only where this module set it (see OWN_ID), without its mark; every other attribute as it is."""
    if attribute != "id":
        return value
    return value[len(OWN_ID):] if value.startswith(OWN_ID) else None
