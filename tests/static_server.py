"""Serve a built site on loopback as Netlify would: clean URLs, 404.html for what is missing, and the
headers from the site's own `_headers` file, every matching rule combined."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Netlify's `_headers` format: a path on its own line, then indented `Name: value` lines."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def matches(rule: str, path: str) -> bool:
    """As Netlify matches a `_headers` rule: `/name/*` is any path that starts with `/name` (so `/name.json` and
    `/names/` too: its pattern is `^/name/?(.*)`), any other rule the path itself."""
    return path.startswith(rule[:-2] if rule.endswith("/*") else rule[:-1]) if rule.endswith("*") else path == rule


class StaticHandler(SimpleHTTPRequestHandler):
    site: Path
    rules: tuple[tuple[str, list[tuple[str, str]]], ...] = ()

    def end_headers(self) -> None:
        path = urlsplit(self.path).path
        for rule, values in self.rules:
            if matches(rule, path):
                for name, value in values:
                    self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def translate_path(self, path: str) -> str:
        return super().translate_path(urlsplit(path).path)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on a free loopback port; yields the base URL, ending in '/'."""
    headers = site / "_headers"
    rules = tuple(parse_headers(headers.read_text())) if headers.is_file() else ()
    handler = type("Handler", (StaticHandler,), {"site": site, "rules": rules})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
