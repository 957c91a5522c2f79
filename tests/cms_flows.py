"""Driving Sveltia CMS at /admin/ in Chromium, on a local repository kept in the browser's private file system.

The CMS's "Work with Local Repository" asks for a folder with `showDirectoryPicker`; the page is given the
Origin Private File System instead (as the CMS's own end-to-end tests do), holding a copy of the content
folder under `repo/`. What the CMS saves is read back from there.

Fields are found as the CMS presents them to assistive technology: a group named “Label” Field, holding a
textbox, radios (a select with few options) or a combobox (a multi-select), labelled from the configuration.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

REPOSITORY = "repo"  # the folder in the private file system that stands for the repository's working tree

# Before any script of the page: record policy violations, and answer the folder picker with the private folder.
INIT_SCRIPT = f"""
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(`${{e.violatedDirective}} ${{e.blockedURI}} (${{e.sourceFile || 'page'}})`));
window.showDirectoryPicker = async () =>
  (await navigator.storage.getDirectory()).getDirectoryHandle('{REPOSITORY}', {{create: true}});
"""

WRITE_FILES = f"""async (files) => {{
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('{REPOSITORY}', {{create: true}});
  await root.getDirectoryHandle('.git', {{create: true}});
  for (const [path, text] of Object.entries(files)) {{
    let dir = root;
    const parts = path.split('/');
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, {{create: true}});
    const writable = await (await dir.getFileHandle(parts.at(-1), {{create: true}})).createWritable();
    await writable.write(text);
    await writable.close();
  }}
}}"""

READ_FILES = f"""async () => {{
  const out = {{}};
  async function walk(dir, prefix) {{
    for await (const [name, handle] of dir.entries()) {{
      if (handle.kind === 'directory') {{ if (name !== '.git') await walk(handle, prefix + name + '/'); }}
      else out[prefix + name] = await (await handle.getFile()).text();
    }}
  }}
  await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle('{REPOSITORY}'), '');
  return out;
}}"""


def repository_files(content: Path) -> dict[str, str]:
    """The content folder as the repository holds it: each text file by its path from the repository's root."""
    return {f"content/{p.relative_to(content).as_posix()}": p.read_text(encoding="utf-8")
            for p in sorted(content.rglob("*")) if p.is_file() and p.suffix in {".md", ".yaml", ".yml"}}


def open_local_repository(page: Page, admin_url: str, files: dict[str, str]) -> None:
    """Open /admin/, put `files` in the private folder, and sign in to it as a local repository."""
    page.goto(admin_url)
    page.evaluate(WRITE_FILES, files)
    page.get_by_role("button", name="Work with Local Repository").click()
    page.get_by_role("tree", name="Collection List").wait_for()


def saved_files(page: Page) -> dict[str, str]:
    """Every file in the local repository now, by its path."""
    return page.evaluate(READ_FILES)


def _isolated(label: str) -> str:
    """A pattern for a label as the CMS writes it in names, between Unicode isolation marks."""
    return f"\u2068?{re.escape(label)}\u2069?"


def field(page: Page, label: str, path: str | None = None) -> Locator:
    """The field labelled `label`, at the key path `path` (e.g. recommendations.0.updates) in nested lists.

    The CMS draws a long form as it scrolls into view, so the form is scrolled until the field is there.
    """
    found = page.get_by_role("group", name=re.compile(f"^“{_isolated(label)}” Field$"))
    if path:
        found = found.and_(page.locator(f'[data-key-path="{path}"]'))
    for _ in range(40):
        if found.count():
            return found.first
        page.get_by_role("group", name=re.compile("^Edit ")).hover()
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    raise AssertionError(f"the form shows no field labelled {label!r}" + (f" at {path}" if path else ""))


def add_item(page: Page, label: str, path: str | None = None) -> None:
    """Add an item to the list field labelled `label`."""
    field(page, label, path).get_by_role("button", name=re.compile(f"^Add {_isolated(label)}$")).click()


def text(page: Page, label: str, value: str, path: str | None = None) -> None:
    field(page, label, path).get_by_role("textbox").fill(value)


def choose(page: Page, label: str, value: str, path: str | None = None) -> None:
    """A select drawn as radio buttons: the one whose label starts with the value (labels are 'value: meaning')."""
    field(page, label, path).get_by_role("radio", name=re.compile(f"^{re.escape(value)}(:|$)")).check()


def pick(page: Page, label: str, values: list[str], path: str | None = None) -> None:
    """A multi-select: open its list and pick each value.

    The list closes when the form scrolls, which it may do as the list opens: then it is opened again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for value in values:
        combobox = field(page, label, path).get_by_role("combobox")
        option = page.get_by_role("option", name=value, exact=True)
        for attempt in range(3):
            combobox.click()
            try:
                option.click(timeout=2_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise


def open_collection(page: Page, label: str) -> None:
    page.get_by_role("treeitem", name=label).click()


def new_entry(page: Page, collection: str) -> None:
    open_collection(page, collection)
    page.get_by_role("toolbar", name="Collection").get_by_role("button", name="Create New Entry").click()


def open_entry(page: Page, collection: str, title: str) -> None:
    open_collection(page, collection)
    page.get_by_role("row", name=title, exact=True).click()


def set_slug(page: Page, slug: str) -> None:
    """The entry's address, here the review's folder name (the letters' and action plans' collections ask)."""
    panel = page.get_by_role("radio", name="Slug", exact=True)
    if not panel.is_checked():
        panel.click()
    page.get_by_role("group", name="Slug", exact=True).get_by_role("textbox").fill(slug)


def save(page: Page) -> None:
    """Save the entry; fail with the CMS's own message when it refuses (a field it finds wrong)."""
    page.get_by_role("button", name="Save", exact=True).click()
    saved = page.get_by_text("Entry saved.")
    refused = page.get_by_text(re.compile(r"\bhave errors\b|\bhas an error\b|Please correct"))
    saved.or_(refused).first.wait_for()
    if not saved.is_visible():
        raise AssertionError("the CMS refused to save: " + " ".join(refused.first.inner_text().split()))
