"""A Word document's styles and lists, as Word keeps them in styles.xml and numbering.xml: what each style
inherits, hides and indents, and the numbers Word shows for each list's items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .blocks import roman

W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main")  # Word's, and the strict form's
FALSE = ("0", "false", "off")


@dataclass
class Style:
    name: str = ""
    based_on: str = ""
    num_id: str | None = None
    ilvl: str | None = None
    hidden: bool | None = None  # its text hidden (w:vanish), or shown; None: as the style it is based on
    indent: int | None = None  # where its paragraphs' first line starts, in twips (see `indent`)


@dataclass
class Level:
    start: int = 1
    format: str = "decimal"
    text: str = ""
    style: str = ""  # the paragraph style this level belongs to, where one does


@dataclass
class Numbering:
    """The document's lists: each w:num's abstract list and overrides, and the counts so far, as Word keeps them
    (one count for each abstract list, so lists that share one continue each other)."""

    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId: (abstractNumId, starts)
    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # abstract list: the numbering style it stands for
    counts: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    def next(self, num_id: str, ilvl: int, styles: dict[str, Style]) -> tuple[str, dict[int, Level]] | None:
        """The number Word shows for the next item of list `num_id` at level `ilvl` ("" for a bullet), counted."""
        abstract, levels = self._abstract(num_id, styles)
        if abstract is None:
            return None
        counts = self.counts.setdefault(abstract, {})
        if num_id not in self.started:  # a list restarted (a w:num's start override) starts at its first item
            self.started.add(num_id)
            for depth, start in self.nums[num_id][1].items():
                counts[depth] = start - 1
        level = levels.get(ilvl, Level())
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [n for n in counts if n > ilvl]:
            del counts[deeper]
        if level.format in ("bullet", "none"):
            return "", levels

        def shown(found: re.Match[str]) -> str:
            n = int(found[1]) - 1
            own = levels.get(n, Level())
            return numeral(counts.get(n, own.start), own.format)

        return re.sub(r"%([1-9])", shown, level.text).strip(" .():\t"), levels

    def _abstract(self, num_id: str, styles: dict[str, Style]) -> tuple[str | None, dict[int, Level]]:
        for _ in range(3):  # a list defined by a numbering style: its style's own list
            if num_id not in self.nums:
                return None, {}
            abstract = self.nums[num_id][0]
            link = self.links.get(abstract)
            style = styles.get(link) if link else None
            if not (style and style.num_id and style.num_id != num_id):
                return abstract, self.levels.get(abstract, {})
            num_id = style.num_id
        return None, {}


def numeral(n: int, style: str) -> str:
    """A number as Word shows it in a list of `style` (decimal, lower or upper letter or roman)."""
    if style in ("lowerLetter", "upperLetter") and 0 < n <= 780:
        text = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word's way: y, z, aa, bb
        return text.upper() if style == "upperLetter" else text
    if style in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        return roman(n) if style == "upperRoman" else roman(n).lower()
    if style == "decimalZero" and 0 <= n < 10:
        return f"0{n}"
    return str(n)


def integer(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def val(element: etree._Element | None) -> str | None:
    """An element's w:val attribute (None where there is no element)."""
    if element is None:
        return None
    return next((str(v) for k, v in element.attrib.items() if str(k).endswith("}val")), "")


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    """`element`'s first child in Word's namespace named `name`."""
    if element is None:
        return None
    return next((c for c in element if isinstance(c.tag, str) and c.tag.rpartition("}")[2] == name
                 and c.tag[1:].partition("}")[0] in W_NAMESPACES), None)


def vanished(run_properties: etree._Element | None) -> bool | None:
    """Whether properties hide their text (w:vanish): True hidden, False shown, None where they do not say."""
    vanish = child(run_properties, "vanish")
    return None if vanish is None else val(vanish) not in FALSE


def indent(properties: etree._Element | None) -> int | None:
    """Where a paragraph's first line (a typed list marker's place) starts, in twips, from its w:ind: its left
    indent less its hanging one, or plus its first line's; None where it gives no indent."""
    ind = child(properties, "ind")
    if ind is None:
        return None
    left = integer(attribute(ind, "left") or attribute(ind, "start"), 0)
    return left - integer(attribute(ind, "hanging"), 0) + integer(attribute(ind, "firstLine"), 0)


def attribute(element: etree._Element, name: str) -> str:
    return next((str(v) for k, v in element.attrib.items() if str(k).rpartition("}")[2] == name), "")


def read_styles(root: etree._Element | None) -> dict[str, Style]:
    styles: dict[str, Style] = {}
    for element in root if root is not None else ():
        if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "style":
            continue
        properties = child(element, "pPr")
        numbering = child(properties, "numPr")
        styles[attribute(element, "styleId")] = Style(
            val(child(element, "name")) or "", val(child(element, "basedOn")) or "",
            val(child(numbering, "numId")), val(child(numbering, "ilvl")), vanished(child(element, "rPr")),
            indent(properties))
    return styles


def read_numbering(root: etree._Element | None) -> Numbering:
    numbering = Numbering()
    for element in root if root is not None else ():
        name = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if name == "abstractNum":
            abstract = attribute(element, "abstractNumId")
            numbering.levels[abstract] = {
                integer(attribute(lvl, "ilvl"), 0): Level(integer(val(child(lvl, "start")), 1),
                                                         val(child(lvl, "numFmt")) or "decimal",
                                                         val(child(lvl, "lvlText")) or "",
                                                         val(child(lvl, "pStyle")) or "")
                for lvl in element if isinstance(lvl.tag, str) and lvl.tag.endswith("}lvl")}
            if link := val(child(element, "numStyleLink")):
                numbering.links[abstract] = link
        elif name == "num":
            starts = {integer(attribute(o, "ilvl"), 0): integer(val(child(o, "startOverride")), 1)
                      for o in element if isinstance(o.tag, str) and o.tag.endswith("}lvlOverride")
                      and child(o, "startOverride") is not None}
            numbering.nums[attribute(element, "numId")] = (val(child(element, "abstractNumId")) or "", starts)
    return numbering


def inherited(styles: dict[str, Style], style_id: str, name: str) -> object:
    """A style's property, or the one its style is based on gives (a chain of at most 20, cycles ignored)."""
    for _ in range(20):
        style = styles.get(style_id)
        if style is None:
            return None
        if getattr(style, name) is not None:
            return getattr(style, name)
        style_id = style.based_on
    return None
