"""The `_headers` the build writes: strict, complete, and without overlapping cache rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHIPPED_CONTENT, TEMPLATES
from static_server import matches, parse_headers

from generator.build.pipeline import build
from generator.cms import version

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "blob:", "filesystem:")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("headers") / "site"
    build(SHIPPED_CONTENT, out, TEMPLATES)
    return out


def _csp(site: Path) -> dict[str, list[str]]:
    """The public pages' policy: the one every rule outside /admin/ sets, each the same."""
    rules = parse_headers((site / "_headers").read_text())
    policies = {dict(values).get("Content-Security-Policy") for rule, values in rules
                if rule != "/*" and not rule.startswith("/admin/")}
    [policy] = policies
    assert policy is not None
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_every_file_gets_exactly_one_policy_and_admin_its_own(site: Path) -> None:
    """Netlify joins a header that several matching rules set: each path's policy comes from one rule alone."""
    rules = parse_headers((site / "_headers").read_text())
    for path in (p for p in site.rglob("*") if p.is_file() and not p.name.startswith("_")):
        url = "/" + str(path.relative_to(site))
        for address in (url, url.removesuffix("index.html")):
            policies = [dict(v)["Content-Security-Policy"] for rule, v in rules
                        if matches(rule, address) and "Content-Security-Policy" in dict(v)]
            assert len(policies) == 1, (address, policies)
            admin = address.startswith("/admin/")
            assert ("'unsafe-inline'" in policies[0]) == admin, address  # the CMS sets styles inline
            robots = [dict(v).get("X-Robots-Tag") for rule, v in rules if matches(rule, address)]
            assert ("noindex" in robots) == admin, address


def test_the_content_security_policy_allows_nothing_unsafe(site: Path) -> None:
    csp = _csp(site)
    assert csp["default-src"] == ["'none'"]
    for directive, sources in csp.items():
        for source in sources:
            assert source not in UNSAFE and "://" not in source, f"{directive} allows {source}"
            if source == "data:":
                assert directive == "img-src", "data: only for the search UI's icons"
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_every_page_gets_the_security_headers(site: Path) -> None:
    [(_, values)] = [r for r in parse_headers((site / "_headers").read_text()) if r[0] == "/*"]
    names = dict(values)
    assert names["Strict-Transport-Security"].startswith("max-age=63072000")
    assert names["X-Content-Type-Options"] == "nosniff" and names["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in names["Permissions-Policy"] and "geolocation=()" in names["Permissions-Policy"]
    assert "X-Robots-Tag" not in names  # production: indexable


def test_each_file_gets_one_cache_rule_long_only_for_fingerprinted_assets(site: Path) -> None:
    rules = parse_headers((site / "_headers").read_text())
    for path in (p for p in site.rglob("*") if p.is_file() and not p.name.startswith("_")):
        url = "/" + str(path.relative_to(site))
        caching = [dict(v)["Cache-Control"] for rule, v in rules if matches(rule, url) and "Cache-Control" in dict(v)]
        assert len(caching) == 1, (url, caching)
        if url.startswith("/assets/"):
            assert caching == ["public, max-age=31536000, immutable"]
            assert len(path.stem.rsplit(".", 1)[-1]) == 10, f"{url} is not fingerprinted"
        elif url.startswith("/admin/cms/"):  # the CMS's pinned bundle, in a folder named by its version
            assert caching == ["public, max-age=31536000, immutable"] and version() in url
        else:
            assert "immutable" not in caching[0]
            assert "max-age=0" in caching[0] or (url.startswith("/pagefind/") and "max-age=300" in caching[0])


def test_no_page_has_inline_script_or_style(site: Path) -> None:
    import re

    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"text/pagefind-template\")", html), page
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"<[^>]+\son[a-z]+=", html), page  # no event-handler attributes


def test_a_preview_build_is_marked_and_not_indexed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(SHIPPED_CONTENT, out, TEMPLATES, preview=True, search=False)
    [(_, values)] = [r for r in parse_headers((out / "_headers").read_text()) if r[0] == "/*"]
    assert dict(values)["X-Robots-Tag"] == "noindex"
    assert "Preview: this is not the published site" in (out / "reviews/salome/index.html").read_text()
    assert "Disallow: /" in (out / "robots.txt").read_text()
