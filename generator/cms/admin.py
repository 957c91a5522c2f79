"""The files of `/admin/`: its page, the configuration, the pinned CMS bundle, and the header rules they need."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .config import backend, config_yaml

VENDOR = Path(__file__).resolve().parent / "vendor"


@cache
def version() -> str:
    """The pinned CMS version, from the first line of the vendored SHA256SUMS."""
    return (VENDOR / "SHA256SUMS").read_text().split("\n", 1)[0].split()[2]


def bundle_dir() -> str:
    """Where the bundle is served: a folder per version, so its files can be cached for good."""
    return f"admin/cms/{version()}"


def index_html(title: str) -> bytes:
    """The admin page: it loads the bundle, which reads `config.yml` beside it; no inline script or style."""
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Edit: {html.escape(title)}</title>
<link href="config.yml" type="application/yaml" rel="cms-config-url">
<script type="module" src="cms/{version()}/cms.js"></script>
</head>
<body></body>
</html>
""".encode()


def bundle_files() -> list[tuple[str, Path]]:
    """The vendored bundle, its licences and SHA256SUMS: each file's path in the site, and where it is."""
    return [(f"{bundle_dir()}/{p.relative_to(VENDOR).as_posix()}", p) for p in sorted(VENDOR.rglob("*")) if p.is_file()]


def admin_pages(site: Mapping[str, Any], repository: str | None = None, branch: str | None = None,
                site_url: str | None = None) -> dict[str, bytes]:
    """The two files of `/admin/` made for this site: its page and the CMS's configuration.

    `site` is site.yaml's values (its title, themes, agencies and partnerships); `repository` the repository's
    address (Netlify's REPOSITORY_URL), `branch` the branch the CMS commits to (Netlify's BRANCH).
    """
    return {"admin/index.html": index_html(str(site.get("title") or "")),
            "admin/config.yml": config_yaml(site, repository, branch, site_url)}


def admin_files(site: Mapping[str, Any], repository: str | None = None, branch: str | None = None,
                site_url: str | None = None) -> dict[str, bytes]:
    """Every file of `/admin/`, by its path in the site: the page, its configuration, the bundle and licences."""
    return {**admin_pages(site, repository, branch, site_url),
            **{path: source.read_bytes() for path, source in bundle_files()}}


def api_origins(repository: str | None) -> tuple[str, ...]:
    """The git host's origins the CMS talks to: its API, and its status page, which the CMS polls for outages."""
    if backend(repository, None)["name"] == "gitlab":
        return "https://gitlab.com", "https://status-api.hostedstatus.com"
    return "https://api.github.com", "https://www.githubstatus.com"


def admin_csp(repository: str | None) -> str:
    """The admin page's policy: the site's own files, inline styles (the CMS sets them), the git host's API."""
    hosts = " ".join(api_origins(repository))
    avatars = " https://avatars.githubusercontent.com" if "github" in hosts else ""
    return "; ".join((
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        f"img-src 'self' data: blob:{avatars}",
        "media-src 'self' blob:",
        f"connect-src 'self' blob: data: {hosts}",
        "worker-src 'self' blob:",
        "frame-src 'self' blob:",
        "manifest-src 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "upgrade-insecure-requests",
    ))


def admin_policy(repository: str | None) -> tuple[tuple[str, str], ...]:
    """The headers `/admin/` has of its own: its policy, the sign-in window allowed to answer it, never indexed."""
    return (("Content-Security-Policy", admin_csp(repository)),
            ("Cross-Origin-Opener-Policy", "same-origin-allow-popups"), ("X-Robots-Tag", "noindex"))


def git_host() -> tuple[str | None, str | None]:
    """The repository the CMS commits to and its branch, as Netlify gives them to a build (REPOSITORY_URL and
    HEAD); (None, None) elsewhere, where the CMS works with a local repository."""
    return os.environ.get("REPOSITORY_URL") or None, os.environ.get("HEAD") or None


def admin_headers(repository: str | None, short: str, immutable: str) -> str:
    """The `_headers` rules of `/admin/`: its own policy, never indexed, the bundle cached for good.

    Each rule names exact paths (Netlify's `/admin/*` would match `/administration/` too).

    The policy lets the sign-in window (the git host's, or Netlify's for GitHub) answer the page that opened it.
    `short` and `immutable` are the site's Cache-Control values for pages and fingerprinted files.
    """
    own = admin_policy(repository)
    rules = [(path, (*own, ("Cache-Control", short))) for path in ("/admin/", "/admin/index.html",
                                                                     "/admin/config.yml")]
    rules.append((f"/{bundle_dir()}/*", (*own, ("Cache-Control", immutable))))
    return "".join(rule + "\n" + "".join(f"  {name}: {value}\n" for name, value in values) for rule, values in rules)
