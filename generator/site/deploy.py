"""What the host needs beside the pages: `_headers`, `_redirects` and fingerprinted asset names.

The Content-Security-Policy allows only this site's own files. Pagefind needs
'wasm-unsafe-eval' (its search engine is WebAssembly), a worker from this origin, and the
data: SVG icons in its stylesheet; nothing else is loosened, and no page has inline script
or style. Netlify combines headers from every rule that matches a path, so Cache-Control is
set only in rules that never overlap: long and immutable for fingerprinted assets, short for
pages, data and the search index.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cms import admin_headers, admin_policy
from .model import Chrome

CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "upgrade-insecure-requests",
))
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "accelerometer=(), autoplay=(), camera=(), clipboard-read=(), display-capture=(), "
                           "encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), hid=(), "
                           "idle-detection=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), "
                           "payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
                           "xr-spatial-tracking=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
POLICY = ("Content-Security-Policy", "Cross-Origin-Opener-Policy")  # set path by path: /admin/ has its own
EVERYWHERE = tuple(h for h in SECURITY_HEADERS if h[0] not in POLICY)
PUBLIC = tuple(h for h in SECURITY_HEADERS if h[0] in POLICY)
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=0, must-revalidate"
SEARCH_INDEX = "public, max-age=300, must-revalidate"


def fingerprinted(path: Path) -> str:
    """`site.css` -> `site.1a2b3c4d5e.css`: the name changes whenever the content does."""
    digest = hashlib.blake2b(path.read_bytes(), digest_size=5).hexdigest()
    return f"{path.stem}.{digest}{path.suffix}"


def headers(site: Chrome, paths: tuple[str, ...], mark: str, repository: str | None) -> bytes:
    """Netlify's `_headers` for a site made of these output paths, opening with the output folder's `mark`.

    Netlify applies every rule that matches a path and joins a header two rules set, so the page policy
    and Cache-Control are set path by path, in rules that never overlap (`/reviews/*` matches
    `/reviews.json` too: one rule covers both); `/admin/` has its own (cms.admin_headers, for the
    `repository` the CMS commits to).
    """
    preview = site.preview
    rules = [("/*", [*EVERYWHERE, *((("X-Robots-Tag", "noindex"),) if preview else ())])]
    rules += [("/assets/*", [*PUBLIC, ("Cache-Control", IMMUTABLE)]),
              ("/pagefind/*", [*PUBLIC, ("Cache-Control", SEARCH_INDEX)]), ("/", [*PUBLIC, ("Cache-Control", SHORT)])]
    tops = {p.split("/", 1)[0] for p in paths}
    folders: list[str] = []
    for top in sorted(tops - {"assets", "pagefind", "_headers", "_redirects", "admin"}):
        if any(top.lower().startswith(folder) for folder in folders):
            continue  # its rule is the folder's before it
        if any(p.startswith(top + "/") for p in paths):
            folders.append(top.lower())
            rules.append((f"/{top}/*", [*PUBLIC, ("Cache-Control", SHORT)]))
        else:
            rules.append((f"/{top}", [*PUBLIC, ("Cache-Control", SHORT)]))
    text = f"{mark} Security headers for every path; the page policy and caching by path, in rules apart.\n"
    for rule, values in rules:
        text += rule + "\n" + "".join(f"  {name}: {value}\n" for name, value in values)
    if "admin" in tops:
        text += admin_headers(repository, SHORT, IMMUTABLE)
    return text.encode()


def served_headers(path: str) -> tuple[tuple[str, str], ...]:
    """The security headers `dhr serve` sends with `path`: the public pages', or the content manager's."""
    if path == "/admin" or path.startswith("/admin/"):
        return (*EVERYWHERE, *admin_policy(None))  # no git host in the preview: the local repository
    return SECURITY_HEADERS


def redirects(site: Chrome, moves: tuple[tuple[str, str], ...], withdrawn: tuple[str, ...], mark: str) -> bytes:
    """Netlify's `_redirects`: renamed reviews move (301); withdrawn ones are gone (410)."""
    lines = [mark]
    for alias, url in moves:
        lines += [f"/reviews/{alias}/ {url} 301", f"/reviews/{alias} {url} 301"]
    for slug in withdrawn:
        lines += [f"/reviews/{slug}/* /gone/ 410", f"/reviews/{slug} /gone/ 410"]
    return ("\n".join(lines) + "\n").encode()
