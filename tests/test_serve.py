"""`dhr serve` in a subprocess, over HTTP: edits show up, errors show in the browser, reloads reach clients."""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, SHIPPED_CONTENT, TEMPLATES
from sitecheck import snapshot

from generator.build.pipeline import build
from generator.site.deploy import SECURITY_HEADERS

DEADLINE = 10.0
pytestmark = pytest.mark.slow  # each test runs `dhr serve` in a process of its own


class Server:
    def __init__(self, content: Path, out: Path, templates: Path) -> None:
        self.content, self.out = content, out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--content", str(content), "--out", str(out),
             "--templates", str(templates), "--port", "0"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        self.url = ""
        ready = threading.Event()

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                self.output.append(line)
                if line.startswith("Serving http://"):
                    self.url = line.split()[1]
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30):
            self.stop()
            raise AssertionError("dhr serve did not start:\n" + "".join(self.output))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def status(self) -> dict:
        return json.loads(self.get("/__dhr/status")[1])

    def wait_for(self, check: Callable[[], bool], what: str) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < DEADLINE:
            if check():
                return time.perf_counter() - started
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}; server said:\n" + "".join(self.output))

    def settle(self) -> None:
        """Wait until rebuilds and the search index have caught up."""
        def quiet() -> bool:
            first = self.status()
            time.sleep(0.3)
            second = self.status()
            return first == second and not second["indexing"]
        self.wait_for(quiet, "the server to settle")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(SHIPPED_CONTENT, content)
    shutil.copytree(TEMPLATES, templates)
    running = Server(content, tmp_path / "site", templates)
    yield running
    running.stop()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_an_edited_letter_is_served_within_the_deadline(server: Server) -> None:
    letter = server.content / "reviews/diana/letter-2023-10-18.md"
    _edit(letter, "small typeface", "small Wombatface typeface")
    server.wait_for(lambda: "Wombatface" in server.get("/reviews/diana/")[1], "the edited letter")


def test_the_reload_script_is_served_but_never_written(server: Server) -> None:
    status, page = server.get("/reviews/salome/")
    assert status == 200 and '<script src="/__dhr/reload.js"' in page
    assert "__dhr" not in (server.out / "reviews/salome/index.html").read_text()
    assert server.get("/__dhr/reload.js")[0] == 200
    assert server.get("/no/such/page/")[0] == 404


def test_broken_content_shows_the_error_page_and_fixing_it_brings_the_page_back(server: Server) -> None:
    letter = server.content / "reviews/diana/letter-2023-10-18.md"
    _edit(letter, "outcome: publish-after-changes", "outcome: publish-later")
    server.wait_for(lambda: server.get("/reviews/diana/")[0] == 500, "the error page")
    status, page = server.get("/")
    assert status == 500 and "The site could not be built" in page
    assert "letter-2023-10-18.md:4: outcome: &#x27;publish-later&#x27; is not one of" in page
    stylesheet = next(p for p in (server.out / "assets").iterdir() if p.name.startswith("site."))
    assert server.get(f"/assets/{stylesheet.name}")[0] == 200  # files other than pages are still served
    _edit(letter, "outcome: publish-later", "outcome: publish-after-changes")
    server.wait_for(lambda: server.get("/reviews/diana/")[0] == 200, "the page to return")


def test_the_error_page_lists_exactly_what_dhr_check_reports(server: Server) -> None:
    """Mistakes that once crashed `dhr build` and showed a TypeError here: the same problems as `dhr check`."""
    review = server.content / "reviews/diana/review.md"
    text = review.read_text()
    review.write_text(text.replace("status: published", "status: published\ndocuments: report.pdf\n"
                                   "death: 9999-01\ntitle2: \"x\\e[2J\""))
    checked = subprocess.run([sys.executable, "-m", "generator", "check", "--content", str(server.content)],
                             cwd=REPO, capture_output=True, text=True, timeout=60).stderr
    expected = [html.escape(line) for line in checked.splitlines() if re.match(r"\S+:\d+: ", line)]
    assert len(expected) >= 3 and all(":" in line for line in expected)
    server.wait_for(lambda: all(line in server.get("/")[1] for line in expected), "the problems on the error page")
    page = server.get("/")[1]
    assert "TypeError" not in page and "Traceback" not in page and "\x1b" not in page
    review.write_text(text)
    server.wait_for(lambda: server.get("/reviews/diana/")[0] == 200, "the page to return")


def test_a_template_error_names_the_template_and_line(server: Server, tmp_path: Path) -> None:
    review = tmp_path / "templates/review.html"
    _edit(review, "{{ review.title }}", "{{ review.titel }}")
    server.wait_for(lambda: server.get("/reviews/diana/")[0] == 500, "the error page")
    assert "review.html:" in server.get("/")[1] and "has no attribute &#x27;titel&#x27;" in server.get("/")[1]


def test_a_reload_event_reaches_a_waiting_client(server: Server) -> None:
    generation = server.status()["generation"]
    received: list[str] = []

    def listen() -> None:
        with urllib.request.urlopen(f"{server.url}__dhr/events?since={generation}", timeout=DEADLINE) as stream:
            received.append(stream.readline().decode())

    listener = threading.Thread(target=listen)
    listener.start()
    time.sleep(0.2)
    _edit(server.content / "reviews/mary/letter-2020-01-22.md", "food control", "food and money control")
    listener.join(DEADLINE)
    assert received == ["event: reload\n"]


def _pagefind_summary(folder: Path) -> tuple[list[str], dict]:
    """The search index by content: Pagefind writes its filter files in no fixed order, so compare records."""
    fragments = sorted(json.loads(gzip.decompress(p.read_bytes())[12:])["url"] for p in (folder / "fragment").iterdir())
    return fragments, json.loads((folder / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]


def test_after_a_series_of_edits_the_served_tree_equals_a_fresh_build(server: Server, tmp_path: Path) -> None:
    content = server.content
    _edit(content / "reviews/salome/letter-2024-08-07.md", "outcome: publish-after-changes", "outcome: publish")
    shutil.copytree(content / "reviews/safta", content / "reviews/safta-copy")
    _edit(content / "reviews/safta-copy/review.md", "title: Safta", "title: Saffron")
    shutil.rmtree(content / "reviews/dhr15")
    (content / "reviews/mary/review.md").rename(content / "reviews/mary/review.tmp")  # save by rename
    (content / "reviews/mary/review.tmp").rename(content / "reviews/mary/review.md")
    _edit(tmp_path / "templates/base.html", "Skip to main content", "Skip to the content")
    server.wait_for(lambda: "Skip to the content" in server.get("/reviews/saffron/")[1]
                    or "Saffron" in server.get("/reviews/safta-copy/")[1], "the edits")
    server.settle()
    fresh = tmp_path / "fresh"
    build(content, fresh, tmp_path / "templates")
    served = {k: v[0] for k, v in snapshot(server.out).items() if not k.startswith("pagefind/")}
    expected = {k: v[0] for k, v in snapshot(fresh).items() if not k.startswith("pagefind/")}
    assert sorted(served) == sorted(expected)
    for name in expected:
        assert served[name] == expected[name], name
    assert _pagefind_summary(server.out / "pagefind/0") == _pagefind_summary(fresh / "pagefind/0")
    assert "/reviews/dhr15/" not in _pagefind_summary(server.out / "pagefind/0")[0]


def test_an_unexpected_failure_is_shown_and_the_next_save_recovers(tmp_path: Path) -> None:
    from generator.authoring.serve import LiveSite
    from generator.authoring.watch import Rebuilder
    from generator.build.pipeline import Builder

    content = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    builder = Builder(content, TEMPLATES, tmp_path / "site")
    real_run = builder.run
    builder.run = lambda *a, **k: (_ for _ in ()).throw(FileNotFoundError("letter-2024-01-01.md"))  # type: ignore
    live, said = LiveSite(tmp_path / "site"), []
    rebuilder = Rebuilder(builder, live, say=said.append)
    rebuilder.rebuild()
    assert live.errors == ["the build stopped unexpectedly (FileNotFoundError('letter-2024-01-01.md')); "
                           "save a file to try again"]
    builder.run = real_run  # type: ignore[method-assign]
    rebuilder.rebuild()
    assert live.errors is None and (tmp_path / "site/reviews/salome/index.html").is_file()
    assert said[-1].startswith("Built 5 reviews, 5 letters: ")


def _raw(server: Server, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send a request as bytes (as a hostile client would) and read the answer."""
    host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer.startswith(b"HTTP/"):  # Python's server answers a request it takes for HTTP/0.9 without a head
        return int(re.search(rb"Error code: (\d+)", answer).group(1)), {}, answer  # type: ignore[union-attr]
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def test_the_preview_sends_the_production_security_headers(server: Server) -> None:
    for path in ("/", "/reviews/salome/", "/no/such/page/", "/__dhr/status", "/reviews"):
        status, headers, _ = _raw(server, f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        assert status in (200, 301, 404)
        for name, value in SECURITY_HEADERS:
            assert headers.get(name) == value, (path, name)
    _, _, page = _raw(server, b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert b"<script>" not in page and b"<style" not in page and b" style=" not in page  # nothing inline


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "", "10.0.0.1:8000"])
def test_the_preview_answers_only_requests_addressed_to_this_computer(server: Server, host: str) -> None:
    status, _, body = _raw(server, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    assert status == 421 and b"<html" not in body.lower()
    assert _raw(server, b"GET / HTTP/1.1\r\nHost: [::1]:1\r\nConnection: close\r\n\r\n")[0] == 200


@pytest.mark.parametrize("request_line", [
    b"GET /" + b"a" * 5000 + b"/ HTTP/1.0", b"GET /__dhr/events?since=x HTTP/1.0",
    b"GET /__dhr/events?since=99999999999999999999999 HTTP/1.0", b"GET /%00/ HTTP/1.0", b"GET /%ff%fe/ HTTP/1.0",
    b"GET /../../../../etc/passwd HTTP/1.0", b"GET " + b"/x" * 40000 + b" HTTP/1.0", b"BREW / HTTP/1.0",
    b"GET / HTTP/9.9", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
])
def test_a_malformed_request_is_a_4xx_never_a_traceback(server: Server, request_line: bytes) -> None:
    status, _, body = _raw(server, request_line + b"\r\nHost: localhost\r\n\r\n")
    assert 400 <= status < 500 or status == 505 or status == 501, status
    assert b"Traceback" not in body and b"root:" not in body
    assert server.get("/")[0] == 200  # still serving
    assert "Traceback" not in "".join(server.output)


def test_the_content_folder_deleted_and_put_back_is_watched_again(server: Server, tmp_path: Path) -> None:
    """A folder put back is a new folder, which the first watch no longer sees: serving goes on from it."""
    shutil.rmtree(server.content)
    server.wait_for(lambda: server.get("/")[0] == 500, "the error page while the content is gone")
    shutil.copytree(SHIPPED_CONTENT, server.content)
    server.wait_for(lambda: server.get("/reviews/diana/")[0] == 200, "the site from the content put back")
    _edit(server.content / "reviews/diana/letter-2023-10-18.md", "small typeface", "small Quokkaface typeface")
    server.wait_for(lambda: "Quokkaface" in server.get("/reviews/diana/")[1], "an edit in the folder put back")


def test_errors_and_warnings_are_counted_apart_and_alike_warnings_grouped(server: Server) -> None:
    """3 errors and many warnings: the officer is told 3 things stop the build, not 'N problems'."""
    (server.content / "reviews/diana/letter-2023-10-18.md").write_text("---\ndate: 2023-10-18\noutcome: maybe\n---\n")
    for n in range(6):  # six reviews with a summary that looks like it names a phone number: one warning, grouped
        folder = server.content / f"reviews/extra-{n}"
        folder.mkdir()
        (folder / "review.md").write_text("---\ntitle: Extra\ncsp: Kent Community Safety Partnership\n"
                                          "status: draft\n---\nCall 01632 960 001 for help.\n")
    page = ""

    def shown() -> bool:
        nonlocal page
        status, page = server.get("/")
        return status == 500 and "warning" in page
    server.wait_for(shown, "the error page with its warnings")
    assert re.search(r"Fix the (error|\d+ errors) below", page) and "problems" not in page
    assert re.search(r"<h2>\d+ warnings</h2>", page) and "more places alike" in page
    server.wait_for(lambda: bool(re.search(r"could not be built: \d+ errors? to fix, and \d+ warnings that do not "
                                           r"stop it", "".join(server.output))), "the terminal's counts")


def test_saves_and_indexing_at_once_leave_the_site_a_clean_build_makes(tmp_path: Path) -> None:
    """`dhr serve`'s two threads on one Builder: rebuilds after saves (adding reviews, which grows what was
    written) while the indexer re-indexes. Neither fails, and the site ends as a clean build makes it."""
    from generator.build.pipeline import Builder

    content = tmp_path / "content"
    shutil.copytree(SHIPPED_CONTENT, content)
    builder = Builder(content, TEMPLATES, tmp_path / "site", shard_size=2)
    builder.run()
    failures: list[BaseException] = []
    saving = threading.Event()

    def index() -> None:
        while not saving.is_set():
            try:
                builder.update_index()
            except BaseException as error:
                failures.append(error)
                return

    indexer = threading.Thread(target=index)
    indexer.start()
    try:
        for n in range(8):
            shutil.copytree(content / "reviews/safta", content / f"reviews/safta-{n}")
            _edit(content / f"reviews/safta-{n}/review.md", "title: Safta", f"title: Safta {n}")
            _edit(content / "reviews/diana/letter-2023-10-18.md", "small typeface", f"small typeface {n}")
            builder.run(staged=False)
            builder.run(staged=False, edited={content / "reviews/diana/letter-2023-10-18.md"})
    finally:
        saving.set()
        indexer.join(120)
    assert not failures, failures
    builder.update_index()
    fresh = tmp_path / "fresh"
    build(content, fresh, TEMPLATES, shard_size=2)
    served = {k: v[0] for k, v in snapshot(tmp_path / "site").items() if not k.startswith("pagefind/")}
    expected = {k: v[0] for k, v in snapshot(fresh).items() if not k.startswith("pagefind/")}
    assert sorted(served) == sorted(expected)
    assert all(served[name] == expected[name] for name in expected)
    shards = sorted(p.name for p in (fresh / "pagefind").iterdir())
    assert sorted(p.name for p in (tmp_path / "site/pagefind").iterdir()) == shards
    for shard in shards:
        assert _pagefind_summary(tmp_path / "site/pagefind" / shard) == _pagefind_summary(fresh / "pagefind" / shard)
