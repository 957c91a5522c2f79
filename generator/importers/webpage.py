"""A letter saved from a council's web page: its main text, without the site's navigation and furniture."""

from __future__ import annotations

from html.parser import HTMLParser

from .blocks import MAX_BYTES, Block, FileError, clean, marker

SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button",
           "select", "title", "head", "iframe", "object", "canvas"}
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "tr", "section",
          "article", "main", "address", "dd", "dt", "pre", "table"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Reader(HTMLParser):
    """Collects the text of block elements outside navigation, scripts and the like, with list nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._skip: list[str] = []  # the skipped elements now open
        self._lists = 0
        self._kind = "p"
        self._lines: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = dict(attrs).get("role") or ""
        if self._skip or tag in SKIPPED or role in ("navigation", "banner", "contentinfo", "search"):
            if tag not in VOID:
                self._skip.append(tag)
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._lists += 1
        elif tag == "li":
            self._flush()
            self._kind = "li"
        elif tag == "br":
            self._lines.append("")
        elif tag in BLOCKS:
            self._flush()
            if tag in HEADINGS:
                self._kind = "h"

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag in ("ul", "ol"):
            self._flush()
            self._lists = max(0, self._lists - 1)
        elif tag in BLOCKS or tag == "li":
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._lines[-1] += data

    def close(self) -> None:
        super().close()
        self._flush()  # the text after the last block element

    def _flush(self) -> None:
        lines = tuple(line for line in (clean(line) for line in self._lines) if line)
        if lines:
            text = " ".join(lines)
            if self._kind in ("li", "h"):
                self.blocks.append(Block(text, self._kind, max(0, self._lists - 1), lines))
            elif (item := marker(text)) and len(lines) == 1:  # a list typed as paragraphs: "- point", "1. point"
                self.blocks.append(Block(item[0], "li", item[1], (item[0],)))
            else:
                self.blocks.append(Block(text, "p", 0, lines))
        self._lines, self._kind = [""], "p"


def read_webpage(data: bytes) -> list[Block]:
    """The page's paragraphs and list items; scripts, styles, navigation, the page's title and header and
    footer, and images (logos' alt text) are left out."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; a letter's web page is far smaller")
    text = data.decode("utf-8", errors="replace")
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.blocks
