"""A letter saved from a council's web page: the letter only, without the site's furniture.

The page's main part (<main>, role="main", or its article) is read where the letter is in it; navigation,
header, footer, forms, cookie banners and breadcrumbs, and whatever the page hides (display:none, the hidden
attribute, aria-hidden="true", text only screen readers are given) are left out, and so are the page's title and
the lines of furniture around the letter (see text.letter_part). Read in one pass without recursion, in time
linear in the page, however deeply its elements nest.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .blocks import MAX_BYTES, MAX_LEVEL, Block, FileError, clean, marker, number, roman
from .text import DEAR as _DEAR
from .text import after_sign_off, letter_part

MAX_ELEMENTS = 200_000  # a council's page has a few thousand
SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button",
           "select", "title", "head", "iframe", "object", "canvas", "textarea", "datalist", "math", "audio", "video",
           "map", "menu"}
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "tr", "section", "dl",
          "article", "main", "address", "dd", "dt", "pre", "table", "ul", "ol", "figure", "figcaption", "caption",
          "details", "summary", "fieldset", "center", "body", "hr", "dialog"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr",
        "param", "keygen"}
CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "dialog", "alertdialog", "menu",
                "menubar", "toolbar", "form"}
# Class and id names that sites give their furniture, and those that hide text (or give it to screen readers only).
CHROME_NAMES = re.compile(r"(?:^|[-_])(?:cookies?|consent|breadcrumbs?|skip|skiplink|feedback|share|social|banner|"
                          r"masthead|footer|navbar|nav|navigation|menu|visually-?hidden|sr-only|screen-reader-text|"
                          r"print-only)(?:$|[-_])", re.IGNORECASE)
HIDDEN_NAMES = {"hidden", "hide", "d-none", "invisible", "js-hidden", "is-hidden"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|content-visibility\s*:\s*"
                           r"hidden", re.IGNORECASE)
_CSS_NAME = re.compile(r"^[a-z0-9]*([.#])([-\w]+)$", re.IGNORECASE)
# What moves a paragraph's first line (a typed list marker) right: its left margin and padding, and its first
# line's own indent (negative where it hangs).
_INDENT = re.compile(r"(?:^|[;\s])(margin-left|padding-left|text-indent)\s*:\s*(-?[\d.]{1,12})(pt|px|em|rem|cm|mm|in)?",
                     re.IGNORECASE)
_UNITS = {"pt": 1.0, "px": 0.75, "em": 12.0, "rem": 12.0, "cm": 28.35, "mm": 2.835, "in": 72.0}


@dataclass
class _Element:
    tag: str
    hidden: bool = False
    main: bool = False  # in <main>, or an element whose role is main
    article: bool = False
    list_type: str = ""  # of a numbered list (<ol>): "1", "a", "A", "i", "I"
    count: int = 0  # of a numbered list: its next item's number
    step: int = 1  # of a numbered list: -1 when it counts down (reversed)
    block: int = -1  # of a list item: the index of its block, once it has one
    depth: int = 0  # how many elements it is in
    indent: float = 0.0  # where its first line starts, in points, as its styles and its parents' put it
    items: list[_Element] = field(default_factory=list)  # of a list counting down from its length: its items


@dataclass
class _Block:
    kind: str
    level: int
    number: str
    lines: list[str] = field(default_factory=list)
    main: bool = False
    article: bool = False


class _Reader(HTMLParser):
    """Collects the text of the page's visible block elements, with their list nesting and numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._open: list[_Element] = [_Element("#document")]
        self._counts: Counter[str] = Counter()  # the open elements, by tag
        self._lists: list[_Element] = []  # the open lists (ul, ol)
        self._items: list[_Element] = []  # the open list items
        self._headings = 0
        self._pre = 0
        self._parts: list[list[str]] = [[]]  # the lines of the block being read, each as its parts
        self._item: tuple[int, str] | None = None  # (level, number) of a list item that has no text yet
        self._css: list[str] = []  # the text of the <style> being read
        self._css_hidden: set[tuple[str, str]] = set()  # ("." or "#", name) the page's styles hide
        self._css_indent: dict[tuple[str, str], float] = {}  # ("." or "#", name): the indent the page's styles give
        self._typed: list[float] = []  # the indents of the items typed as paragraphs open ("1. ...", "\u2022 ...")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        parent = self._open[-1]
        if tag in BLOCKS or tag == "li":
            self._implied_ends(tag)
            parent = self._open[-1]
        hidden = parent.hidden or tag in SKIPPED or self._hides(tag, values)
        if tag == "br" and not hidden:
            self._parts.append([])
        if tag in VOID:
            if tag == "hr":
                self._flush()
            return
        role = values.get("role", "").lower()
        element = _Element(tag, hidden, parent.main or tag == "main" or role == "main",
                           parent.article or tag == "article", depth=len(self._open),
                           indent=parent.indent + self._indent(values))
        if tag in BLOCKS or tag == "li":
            self._flush()
        if tag in ("ul", "ol"):
            element.list_type = (values.get("type") or "1") if tag == "ol" else ""
            element.step = -1 if "reversed" in values else 1
            element.count = _integer(values.get("start"), 1)
            if element.step < 0 and "start" not in values:
                element.items = [element]  # counted down from its length, known at its end
            self._lists.append(element)
        elif tag == "li" and not hidden:
            self._items.append(element)
            listed = self._lists[-1] if self._lists else None
            mark = ""
            if listed and listed.items:
                listed.items.append(element)
            if listed and listed.list_type:
                listed.count = _integer(values.get("value"), listed.count)
                mark = _numeral(listed.count, listed.list_type)
                listed.count += listed.step
            self._item = (min(max(len(self._lists) - 1, 0), MAX_LEVEL), mark)
        elif tag == "pre":
            self._pre += 1
        if tag in HEADINGS:
            self._headings += 1
        self._open.append(element)
        self._counts[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._counts[tag]:
            return  # an end tag with no element open to end: ignored, as browsers do
        while True:
            element = self._open[-1]
            self._ended(element)  # its text ends while it is still the element open
            self._open.pop()
            self._counts[element.tag] -= 1
            if element.tag == tag:
                return

    def _ended(self, element: _Element) -> None:
        if element.tag in BLOCKS or element.tag == "li":
            self._flush()
        if element.tag in ("ul", "ol") and self._lists and self._lists[-1] is element:
            self._lists.pop()
            for n, item in enumerate(element.items[1:]):  # a reversed list: its last item is 1
                if item.block >= 0:
                    self.blocks[item.block].number = _numeral(len(element.items) - 1 - n, element.list_type)
        elif element.tag == "li" and self._items and self._items[-1] is element:
            self._items.pop()
            self._item = None
        elif element.tag == "pre":
            self._pre -= 1
        elif element.tag == "style":
            self._read_css("".join(self._css))
            self._css = []
        if element.tag in HEADINGS:
            self._headings -= 1

    def _implied_ends(self, tag: str) -> None:
        """End the elements a browser ends before `tag`: an open paragraph before a block, an open item before
        the next item of its list."""
        if self._open[-1].tag == "p":
            self.handle_endtag("p")
        if tag == "li" and self._items and (not self._lists or self._items[-1].depth > self._lists[-1].depth):
            self.handle_endtag("li")

    def _hides(self, tag: str, values: dict[str, str]) -> bool:
        """Whether an element is furniture or is hidden from the reader (by its attributes or the page's style)."""
        if not values:
            return tag == "dialog"
        if "hidden" in values or values.get("aria-hidden", "").lower() == "true":
            return True
        if values.get("role", "").lower() in CHROME_ROLES or (tag == "dialog" and "open" not in values):
            return True
        if _HIDDEN_STYLE.search(values.get("style", "")):
            return True
        names = values.get("class", "").split()
        if any(CHROME_NAMES.search(name) or name.lower() in HIDDEN_NAMES for name in names) or \
                CHROME_NAMES.search(values.get("id", "")):
            return True
        return any((".", name) in self._css_hidden for name in names) or ("#", values.get("id", "")) in \
            self._css_hidden

    def _read_css(self, css: str) -> None:
        """The classes and ids the page's own styles hide (`.cookie-banner { display: none }`) or indent."""
        for rule in css.split("}"):
            selectors, _, declarations = rule.rpartition("{")
            hidden, indent = _HIDDEN_STYLE.search(declarations), _points(declarations)
            for selector in selectors.split(",") if hidden or indent else ():
                if found := _CSS_NAME.match(selector.strip()):
                    if hidden:
                        self._css_hidden.add((found[1], found[2]))
                    if indent:
                        self._css_indent[(found[1], found[2])] = indent

    def _indent(self, values: dict[str, str]) -> float:
        """How far an element's styles (its own, and its classes' and id's in the page's) move its first line."""
        names = [(".", name) for name in values.get("class", "").split()[:20]] + [("#", values.get("id", ""))]
        return _points(values.get("style", "")) + sum(self._css_indent.get(name, 0.0) for name in names)

    def handle_data(self, data: str) -> None:
        top = self._open[-1]
        if top.tag == "style":
            self._css.append(data)
        if top.hidden:
            return
        if self._pre:
            first, *rest = data.split("\n")
            self._parts[-1].append(first)
            self._parts.extend([line] for line in rest)
        else:
            self._parts[-1].append(data)

    def close(self) -> None:
        super().close()
        self._flush()  # the text after the last block element

    def _flush(self) -> None:
        """End the block being read."""
        lines = [line for line in (clean("".join(parts)) for parts in self._parts) if line]
        self._parts = [[]]
        if not lines:
            return
        top = self._open[-1]
        item = self._items[-1] if self._items else None
        if self._item is not None:
            level, mark = self._item
            self._item = None
            self.blocks.append(_Block("li", level, mark, lines, top.main, top.article))
            if item:
                item.block = len(self.blocks) - 1
        elif item and item.block == len(self.blocks) - 1 >= 0:  # an item's second paragraph: its text goes on
            self.blocks[-1].lines.extend(lines)
        elif self._headings:
            self.blocks.append(_Block("h", 0, "", lines, top.main, top.article))
        elif len(lines) == 1 and (found := marker(lines[0])):  # a list typed as paragraphs: "- point", "1. point"
            while self._typed and self._typed[-1] > top.indent:
                self._typed.pop()
            if not self._typed or self._typed[-1] < top.indent:
                self._typed.append(top.indent)  # nested as deep as it is indented under the items before it
            level = min(max(len(self._typed) - 1, found[1]), MAX_LEVEL)
            self.blocks.append(_Block("li", level, number(lines[0]), [found[0]], top.main, top.article))
        else:
            self._typed.clear()
            self.blocks.append(_Block("p", 0, "", lines, top.main, top.article))


def _points(style: str) -> float:
    """The indent a style's declarations give (margin-left, padding-left and text-indent), in points."""
    return sum(float(amount) * _UNITS.get(unit.lower(), 0.75) for _, amount, unit in _INDENT.findall(style[:2000])
               if amount.count(".") <= 1 and amount.strip("-.")) if style else 0.0


def _integer(value: str | None, default: int) -> int:
    """An attribute's whole number (start="3", value="7"), within bounds a list can show."""
    try:
        return max(-10**6, min(10**6, int((value or "").strip()[:12])))
    except ValueError:
        return default


def _numeral(n: int, style: str) -> str:
    """An item's number as a browser shows it in a list of type `style` (1, a, A, i, I)."""
    if style in ("a", "A") and n > 0:
        letters = []
        while n > 0:  # a, b, ... z, aa, ab: as browsers count
            n, rest = divmod(n - 1, 26)
            letters.append(chr(ord("a") + rest))
        text = "".join(reversed(letters))
        return text.upper() if style == "A" else text
    if style in ("i", "I") and 0 < n < 4000:
        return roman(n) if style == "I" else roman(n).lower()
    return str(n)


def read_webpage(data: bytes) -> list[Block]:
    """The letter on the page: its paragraphs and list items, without the page's furniture."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; a letter's web page is far smaller")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # a page saved in Windows' own encoding
    if b"\0" in data[:4096] and not text.lstrip("\ufeff").startswith("<"):
        raise FileError("it is not a web page: it holds binary data (an image, a PDF or a Word file renamed?); "
                        "import the letter's own file, or save the page again from the browser")
    if (tags := text.count("<") - text.count("</")) > MAX_ELEMENTS:
        raise FileError(f"it has {tags:,} tags, far more than a web page with a letter (a few thousand): it may be "
                        "damaged or made to harm readers; save the page again, or paste the letter with "
                        "--from-stdin")
    reader = _Reader()
    reader.feed(text)
    reader.close()
    blocks = _main(reader.blocks)
    dear = next((n for n, b in enumerate(blocks) if _DEAR.match(b.lines[0])), len(blocks))
    blocks = [b for n, b in enumerate(blocks) if b.kind != "h" or n > dear]  # the page's title is not the letter's
    start, end = letter_part([b.lines[0] if len(b.lines) == 1 else " ".join(b.lines) for b in blocks])
    return after_sign_off([Block(" ".join(b.lines), b.kind, b.level, tuple(b.lines), b.number)
                           for b in blocks[start:end]])


def _main(blocks: list[_Block]) -> list[_Block]:
    """The page's main part (<main>, or else its <article>) where the letter is in it, else the whole page."""
    for part in ("main", "article"):
        inside = [b for b in blocks if getattr(b, part)]
        dear = any(_DEAR.match(b.lines[0]) for b in blocks)
        if inside and (not dear or any(_DEAR.match(b.lines[0]) for b in inside)):
            return inside
    return blocks
