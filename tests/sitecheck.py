"""Helpers that read a built site as a visitor's browser would: links, anchors and every byte."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("script", "img"))):
                self.links.append(value)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def target_file(site: Path, url_path: str) -> Path:
    path = site / unquote(url_path).lstrip("/")
    return path / "index.html" if url_path.endswith("/") or path.is_dir() else path


def broken_links(site: Path) -> list[str]:
    """Every internal link or anchor in the built site that leads nowhere."""
    broken = []
    pages = {p: parse(p) for p in site.rglob("*.html")}
    for page, parsed in pages.items():
        base = "/" + str(page.parent.relative_to(site)).strip(".") + "/"
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            path = parts.path if parts.path.startswith("/") else (base + parts.path if parts.path else None)
            target = page if path is None else target_file(site, path.replace("//", "/"))
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
            elif (parts.fragment and target.suffix == ".html"
                  and parts.fragment not in pages.get(target, parse(target)).ids):
                broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    return broken


def all_text(site: Path) -> str:
    """Every file of the site as text, the gzipped search index included."""
    chunks = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        chunks.append(f"== {path.relative_to(site)}\n" + data.decode("utf-8", "replace"))
    return "\n".join(chunks)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}
