"""Make, or check, the vendored Sveltia CMS bundle in `generator/cms/vendor/` from the pinned npm package.

    npm ci                                        # the versions and sha512 hashes pinned in package-lock.json
    python3 generator/cms/update_bundle.py        # bundle them into generator/cms/vendor/, with SHA256SUMS
    python3 generator/cms/update_bundle.py --check  # bundle again and compare, byte for byte, with the copy

To move to a new release: `npm install --save-exact @sveltia/cms@X.Y.Z`, read its release notes, run this
script, then the tests (the browser test drives the new copy). `npm ci` refuses a package whose bytes differ
from the lock file's sha512; the bundle is made by esbuild (pinned too), which gives the same bytes every time,
so `--check` proves the committed copy is exactly what the pinned package makes. The npm build is used, not the
package's CDN build: it carries its fonts and libraries with it, and neither fetches fonts from a CDN nor
checks a CDN for updates.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = Path(__file__).resolve().parent / "vendor"
MODULES = ROOT / "node_modules"
PACKAGE = MODULES / "@sveltia" / "cms"
SUMS = "SHA256SUMS"
# The page loads the bundle as a module, which the CMS does not start by itself: the entry starts it.
ENTRY = "import { init } from '@sveltia/cms';\ninit();\n"
# The npm build still names three fonts on a CDN in @font-face rules it adds (beside its own copies, which it
# also registers): each is pointed at its copy in the bundle, so the admin page asks nothing of a CDN. A URL
# that is no longer there stops the update, to be looked at.
FONTS = {
    "https://cdn.jsdelivr.net/fontsource/fonts/source-sans-3:vf@5.3.0/latin-wght-normal.woff2":
        "source-sans-3-latin-wght-normal-BqRLTx4X.woff2",
    "https://cdn.jsdelivr.net/fontsource/fonts/noto-mono@5.3.0/latin-400-normal.woff2":
        "noto-mono-latin-400-normal-DiC8lJru.woff2",
    "https://cdn.jsdelivr.net/fontsource/fonts/material-symbols-outlined:vf@5.3.7/latin-wght-normal.woff2":
        "material-symbols-outlined-latin-wght-normal-_Z1IJPLg.woff2",
}


def pinned() -> tuple[str, str]:
    """The CMS version and npm integrity (sha512 of the package) that package-lock.json pins."""
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/@sveltia/cms"]
    return lock["version"], lock["integrity"]


def licences() -> str:
    """The licence of every package bundled with the CMS: the CMS's own dependencies, followed down."""
    seen: dict[str, Path] = {}
    todo = ["@sveltia/cms"]
    while todo:
        name = todo.pop()
        folder = MODULES / name
        if name in seen or not folder.is_dir():
            continue
        seen[name] = folder
        todo += json.loads((folder / "package.json").read_text()).get("dependencies", {})
    text = ""
    for name, folder in sorted(seen.items()):
        files = sorted(p for p in folder.iterdir() if p.name.lower().startswith(("license", "licence", "copying")))
        version = json.loads((folder / "package.json").read_text())["version"]
        text += f"== {name} {version}\n\n" + "".join(p.read_text(errors="replace") for p in files) + "\n"
    return text


def bundle(out: Path) -> None:
    """Bundle the installed package into `out`: the script, its chunks and assets, licences and SHA256SUMS."""
    version, integrity = pinned()
    installed = json.loads((PACKAGE / "package.json").read_text())["version"]
    if installed != version:
        sys.exit(f"node_modules holds @sveltia/cms {installed}, package-lock.json pins {version}: run npm ci")
    made = subprocess.run([str(MODULES / ".bin" / "esbuild"), "--bundle", "--splitting", "--format=esm", "--minify",
                           "--legal-comments=none", "--sourcefile=cms.js", f"--outdir={out}",
                           "--entry-names=cms", "--chunk-names=chunks/[hash]", "--log-level=error"],
                          input=ENTRY, text=True, cwd=ROOT, check=False)
    if made.returncode:
        sys.exit("esbuild could not bundle @sveltia/cms (its message is above): run npm ci, then try again")
    shutil.copytree(PACKAGE / "npm" / "assets", out / "assets", ignore=shutil.ignore_patterns("*.map"))
    local_fonts(out / "cms.js", f"/admin/cms/{version}/assets")
    shutil.copy(PACKAGE / "LICENSE.txt", out / "LICENSE.txt")
    (out / "THIRD-PARTY-LICENSES.txt").write_text(licences())
    files = sorted(p for p in out.rglob("*") if p.is_file())
    lines = [f"# @sveltia/cms {version} {integrity}"]
    lines += [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}" for p in files]
    (out / SUMS).write_text("\n".join(lines) + "\n")


def local_fonts(script: Path, assets: str) -> None:
    """Point the script's CDN fonts (FONTS) at their copies under `assets`, the bundle's folder on the site."""
    text = script.read_text()
    for url, name in FONTS.items():
        if url not in text:
            sys.exit(f"{script.name} no longer names {url}: look at how this release loads its fonts, then update "
                     "FONTS")
        text = text.replace(url, f"{assets}/{name}")
    if "cdn.jsdelivr.net" in text:
        sys.exit(f"{script.name} names cdn.jsdelivr.net elsewhere: look at it before this bundle is served")
    script.write_text(text)


def differences(a: Path, b: Path) -> list[str]:
    """The files that differ between two folders, by name."""
    names = {p.relative_to(a) for p in a.rglob("*") if p.is_file()} | {p.relative_to(b) for p in b.rglob("*")
                                                                       if p.is_file()}
    return sorted(str(n) for n in names if not ((a / n).is_file() and (b / n).is_file()
                                                 and (a / n).read_bytes() == (b / n).read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh bundle with the committed copy")
    args = parser.parse_args()
    if not (MODULES / ".bin" / "esbuild").exists():
        sys.exit("node_modules has no esbuild: run npm ci first")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            bundle(Path(tmp) / "vendor")
            changed = differences(Path(tmp) / "vendor", VENDOR)
        if changed:
            sys.exit(f"generator/cms/vendor differs from the pinned package in {len(changed)} files, "
                     f"e.g. {changed[0]}: run generator/cms/update_bundle.py")
        print("generator/cms/vendor is the pinned package's bundle, byte for byte")
        return
    shutil.rmtree(VENDOR, ignore_errors=True)
    bundle(VENDOR)
    print(f"wrote {VENDOR.relative_to(ROOT)}: @sveltia/cms {pinned()[0]}")


if __name__ == "__main__":
    main()
