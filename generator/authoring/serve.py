"""The preview server behind `dhr serve`: the built site, a reload signal, and the error page.

Stdlib only. Pages are read from the output folder, which is updated one whole file at a time.
Into each HTML response (never into the files) it adds a small script that waits on
`/__dhr/events` and reloads the page when a rebuild finishes. While the content has errors,
every page is the error page, listing them as the terminal does.

It is as strict as the production host: every response carries the security headers the build
writes into `_headers` (the Content-Security-Policy included, so nothing inline runs here
either); it answers only requests addressed to this computer by name (localhost, 127.0.0.1 or
[::1], so a web page elsewhere cannot reach it through DNS rebinding); and a malformed request
is answered 400, 404 or 421, never with a traceback.
"""

from __future__ import annotations

import html
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..site.deploy import served_headers

RELOAD_JS = b"""// Added by dhr serve only: reload this page when the site has been rebuilt.
(function () {
  var since = document.currentScript.getAttribute("data-generation");
  var events = new EventSource("/__dhr/events?since=" + since);
  events.addEventListener("reload", function () { events.close(); window.location.reload(); });
})();
"""

ERROR_CSS = b"""body{font:1.1rem/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1b}
h1{color:#b3261e}li{margin:.5rem 0;font-family:ui-monospace,monospace;font-size:.95rem;white-space:pre-wrap}
"""
ERROR_PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The site could not be built</title>
<link rel="stylesheet" href="/__dhr/error.css">
</head><body><main>
<h1>The site could not be built</h1>
<p>Fix the {count} below and save: this page will reload by itself.</p>
<ol>{items}</ol>
{warnings}</main></body></html>
"""
WARNINGS = """<h2>{count}</h2>
<p>Warnings do not stop the site being built (with <code>--strict</code> they do); look at each before you publish.</p>
<ul>{items}</ul>
"""


LOCAL_NAMES = {"localhost", "127.0.0.1", "[::1]"}


class CannotListenError(Exception):
    """The address or port is taken or not allowed."""


class LiveSite:
    """What the server shows: the output folder, or the error page; and a counter of rebuilds."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = 0
        self.errors: list[str] | None = None
        self.warnings: list[str] = []  # shown below the errors, apart from them
        self.warned = 0  # how many warnings those lines stand for
        self.indexing = False
        self._changed = threading.Condition()
        self.closed = False

    def succeed(self, changed: bool) -> None:
        with self._changed:
            if changed or self.errors is not None:
                self.generation += 1
            self.errors = None
            self._changed.notify_all()

    def fail(self, errors: list[str], warnings: list[str] | None = None, warned: int = 0) -> None:
        """Show the error page: the errors, and apart from them the warnings (`warned` of them, alike ones
        grouped into one line)."""
        with self._changed:
            if errors != self.errors or (warnings or []) != self.warnings:
                self.generation += 1
            self.errors, self.warnings, self.warned = errors, warnings or [], warned
            self._changed.notify_all()

    def wait_past(self, generation: int, timeout: float) -> bool:
        """Wait until a rebuild newer than `generation`; False on timeout or when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > generation or self.closed, timeout)
            return self.generation > generation

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def error_page(self) -> bytes:
        errors = self.errors or []
        items = "".join(f"<li>{html.escape(e)}</li>" for e in errors)
        warnings = WARNINGS.format(count=counted(self.warned, "warning"),
                                   items="".join(f"<li>{html.escape(w)}</li>" for w in self.warnings))
        return ERROR_PAGE.format(count=counted(len(errors), "error") if len(errors) != 1 else "error", items=items,
                                 warnings=warnings if self.warnings else "").encode()


def counted(number: int, noun: str) -> str:
    """'1 error', '3 errors'."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


class Handler(SimpleHTTPRequestHandler):
    live: LiveSite  # set on the subclass made by make_server

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        """Answer a request addressed to this computer; anything malformed is a 4xx, never a traceback."""
        if not self._addressed_here():
            return self._send(421, b"This preview answers only at localhost, 127.0.0.1 or [::1].\n",
                              "text/plain; charset=utf-8", body)
        try:
            return self._respond(body)
        except (ValueError, UnicodeError):  # a NUL or an undecodable byte in the path, a bad number
            return self._send(400, b"Bad request\n", "text/plain; charset=utf-8", body)
        except OSError:  # a name too long for the file system, and the like: no such page
            return self._send(404, b"Not found\n", "text/plain; charset=utf-8", body)

    def _addressed_here(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOCAL_NAMES

    def _respond(self, body: bool) -> None:
        url = urlsplit(self.path)
        if url.path == "/__dhr/reload.js":
            return self._send(200, RELOAD_JS, "text/javascript", body)
        if url.path == "/__dhr/error.css":
            return self._send(200, ERROR_CSS, "text/css", body)
        if url.path == "/__dhr/events":
            since = parse_qs(url.query).get("since", ["0"])[0] or "0"
            if not since.isdigit() or len(since) > 12:
                return self._send(400, b"since must be a number\n", "text/plain; charset=utf-8", body)
            return self._events(int(since))
        if url.path == "/__dhr/status":
            state = {"generation": self.live.generation, "errors": self.live.errors, "indexing": self.live.indexing}
            return self._send(200, json.dumps(state).encode(), "application/json", body)
        admin = url.path == "/admin" or url.path.startswith("/admin/")  # the content manager: never the error
        # page (it is how an editor fixes the errors) nor the reload script (a reload would lose an edit)
        if self.live.errors is not None and self._is_page(url.path) and not admin:
            return self._send(500, self._inject(self.live.error_page()), "text/html; charset=utf-8", body)
        target = Path(self.translate_path(url.path))
        if target.is_dir() and not url.path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", url.path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if target.is_dir():
            target = target / "index.html"
        status = 200
        if any(part.startswith(".") for part in url.path.split("/")) or not target.is_file():
            status, target = 404, self.live.folder / "404.html"
        data = target.read_bytes() if target.is_file() else b"Not found"
        kind = self.guess_type(str(target))
        if kind == "text/html":
            data, kind = (data if admin else self._inject(data)), "text/html; charset=utf-8"
        return self._send(status, data, kind, body)

    @staticmethod
    def _is_page(path: str) -> bool:
        return path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]

    def _inject(self, page: bytes) -> bytes:
        script = f'<script src="/__dhr/reload.js" data-generation="{self.live.generation}"></script>\n'.encode()
        at = page.rfind(b"</body>")
        return page[:at] + script + page[at:] if at >= 0 else page + script

    def end_headers(self) -> None:
        """Every response, redirects, events and answers to malformed requests included, carries the production
        security headers (the public pages', or /admin/'s own)."""
        path = urlsplit(getattr(self, "path", "") or "").path  # (none yet on a request that could not be parsed)
        for name, value in served_headers(path):
            self.send_header(name, value)
        super().end_headers()

    def _send(self, status: int, data: bytes, kind: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, since: int) -> None:
        """Server-sent events: one `reload` as soon as the site is newer than `since`."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not self.live.wait_past(since, timeout=15):
                if self.live.closed:
                    return
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
            self.wfile.write(f"event: reload\ndata: {self.live.generation}\n\n".encode())
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for build messages."""


def make_server(live: LiveSite, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"live": live})

    def factory(*args: object, **kwargs: object) -> Handler:
        return handler(*args, directory=str(live.folder), **kwargs)

    try:
        server = ThreadingHTTPServer((host, port), factory)
    except OSError as exc:
        raise CannotListenError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                                "choose another port with --port") from exc
    server.daemon_threads = True
    return server
