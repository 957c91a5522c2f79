"""`dhr import letter|action-plan FILE --review SLUG`: read the file, write the review's file beside its others
(never over one), and say what was read from where, what is left to fill in, and what `dhr check` thinks."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..content.load import PLAN_NAMES, FileCache, load_settings, walk_reviews
from ..content.validate import FieldCache, validate_settings, vocabulary_of
from ..isolate import run_bounded
from ..problems import Problems, display_path, visible
from .blocks import Block, FileError
from .letter import Letter, recognise
from .mail import read_email
from .pdf import read_pdf
from .plan import plan_from_tables
from .spreadsheet import read_csv, read_workbook
from .tables import Table
from .text import read_text
from .webpage import read_webpage
from .word import read_word, read_word_tables

LETTER_READERS: dict[str, Callable[[bytes], list[Block]]] = {
    ".pdf": read_pdf, ".docx": read_word, ".html": read_webpage, ".htm": read_webpage, ".txt": read_text,
    ".text": read_text, ".md": read_text, ".eml": read_email,
}
PLAN_READERS: dict[str, Callable[[bytes], list[Table]]] = {
    ".docx": read_word_tables, ".xlsx": read_workbook, ".xlsm": read_workbook, ".csv": read_csv, ".tsv": read_csv,
}
MAGIC = {".pdf": b"%PDF", ".docx": b"PK", ".xlsx": b"PK", ".xlsm": b"PK"}
_ITEM = re.compile(r"^\s*(?:-|\d+\.)\s")
FIELD_HINTS = {
    "panel_date": "YYYY-MM-DD, or YYYY-MM: when the QA Panel considered the report",
    "outcome": "publish, publish-after-changes or resubmit",
    "from": "the sending unit", "to": "the addressee", "signed": "the signatory",
}


def review_folder(content: Path, slug: str) -> Path:
    """The folder of the review named `slug` (review folders may be grouped in sub-folders)."""
    folders = [Path(folder) for folder in walk_reviews(content, Problems()) if Path(folder).name == slug]
    if not folders:
        raise FileError(f"there is no review folder named '{slug}' under {display_path(content / 'reviews')}; "
                        f"check the name, or make one with: dhr new review \"TITLE\" --csp \"NAME\"")
    return folders[0]


def read_input(path: str | None, from_stdin: bool, readers: dict[str, Callable[[bytes], Any]]) -> Any:
    """The file's contents as its reader makes them (standard input is plain text), read in a child process of
    bounded memory and time."""
    if from_stdin:
        return run_bounded(read_text, sys.stdin.buffer.read(40_000_000))
    source = Path(path or "")
    suffix = source.suffix.lower()
    if suffix not in readers:
        raise FileError(f"{display_path(source)}: a '{suffix or 'file without an extension'}' cannot be imported; "
                        f"use one of {', '.join(sorted(readers))}, or paste the text with --from-stdin")
    try:
        with open(source, "rb") as handle:
            data = handle.read(40_000_001)
    except OSError as exc:
        raise FileError(f"{display_path(source)}: {exc.strerror or exc}") from None
    if suffix in MAGIC and not data.startswith(MAGIC[suffix]):
        raise FileError(f"{display_path(source)}: it is named {suffix} but is not one; open it and save it again "
                        f"as {suffix}")
    try:
        return run_bounded(readers[suffix], data)
    except FileError as exc:
        raise FileError(f"{display_path(source)}: {exc}") from None


class _Writer(yaml.SafeDumper):
    """YAML's own writer, a value of several lines (an address) kept as a block of lines."""


_Writer.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def letter_text(letter: Letter) -> str:
    """The letter file: front matter written by the YAML writer (what was not found left as a commented line),
    then the body."""
    lines = ["---"]
    for name in ("date", "panel_date", "resubmission", "outcome", "from", "to", "signed"):
        value = letter.fields.get(name)
        if value is not None:
            lines.append(yaml.dump({name: value}, Dumper=_Writer, allow_unicode=True, width=10**6).rstrip("\n"))
        elif name in FIELD_HINTS:
            lines.append(f"# {name}: {FIELD_HINTS[name]} (not found in the letter: fill it in, or remove this line)")
    return "\n".join(lines) + "\n---\n" + letter.body


def import_letter(content: Path, path: str | None, slug: str, from_stdin: bool = False, date: dt.date | None = None,
                  dry_run: bool = False, say: Callable[[str], None] = print) -> Path | None:
    """Write the review's letter file from `path` (or standard input); returns it (None for a dry run)."""
    folder = review_folder(content, slug)
    letter = recognise(read_input(path, from_stdin, LETTER_READERS), date)
    if "date" not in letter.fields:
        raise FileError("the letter's date was not found (a line such as '7th August 2024' above 'Dear ...'); "
                        "give it with --date YYYY-MM-DD")
    target = folder / f"letter-{letter.fields['date'].isoformat()}.md"  # type: ignore[attr-defined]
    if not dry_run:
        _not_there(target)
    text = letter_text(letter)
    for name, sentence in letter.found.items():
        say(visible(f"{name}: {_shown(letter.fields[name])}, read from: {sentence[:300]}"))
    for name in letter.missing:
        say(f"not found: {name}; left as a commented line to fill in ({FIELD_HINTS.get(name, '')})")
    points = sum(1 for line in letter.body.split("\n") if _ITEM.match(line))
    say(f"{points} list items in the body (each becomes a feedback point, a nested one under its parent)")
    return _write(target, text, dry_run, say)


def import_plan(content: Path, path: str, slug: str, today: dt.date, dry_run: bool = False,
                say: Callable[[str], None] = print) -> Path | None:
    """Write the review's action-plan.yaml from the tables (or sheets) in `path`; returns it (None for a dry run)."""
    folder = review_folder(content, slug)
    for name in PLAN_NAMES if not dry_run else ():
        _not_there(folder / name)
    problems = Problems()
    site_file, pages = load_settings(content, problems, FileCache())
    values, _ = validate_settings(site_file, pages, problems, FieldCache())
    agencies = vocabulary_of(values)[1] or ()
    plan = plan_from_tables(read_input(path, False, PLAN_READERS), agencies, today)
    for note in plan.notes:
        say(visible(note))
    if not plan.recommendations:
        raise FileError(f"{display_path(Path(path))}: no table of recommendations was found in it")
    say(f"{plan.recommendations} recommendations, {plan.actions} actions read")
    return _write(folder / "action-plan.yaml", plan.yaml, dry_run, say)


def _not_there(target: Path) -> None:
    if target.exists():
        raise FileError(f"{display_path(target)} already exists, and is never replaced; compare the two by hand, "
                        "or move it away first")


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value).replace("\n", " / ")


def _write(target: Path, text: str, dry_run: bool, say: Callable[[str], None]) -> Path | None:
    if dry_run:
        say(f"{display_path(target)} would be written (--dry-run: nothing was):")
        print("\n".join(visible(line) for line in text.split("\n")), end="")  # the file, on standard output
        if target.exists():
            _differences(target, text, say)
        return None
    try:
        with open(target, "x", encoding="utf-8") as handle:  # never over a file
            handle.write(text)
    except FileExistsError:
        raise FileError(f"{display_path(target)} already exists, and is never replaced; compare the two by hand, "
                        "or move it away first") from None
    say(f"Wrote {display_path(target)}; next: check it against the original, then run dhr check")
    return target


def _differences(target: Path, text: str, say: Callable[[str], None]) -> None:
    """How the file a dry run shows differs from the one already there (which an import never replaces)."""
    try:
        existing = target.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        say(f"{display_path(target)} exists but could not be read to compare: {exc.strerror or exc}")
        return
    diff = list(difflib.unified_diff(existing.splitlines(), text.splitlines(), f"{display_path(target)} (as it is)",
                                     "(as imported)", lineterm="", n=1))
    if not diff:
        say(f"{display_path(target)} already exists, with exactly this text")
        return
    say(f"{display_path(target)} already exists (an import never replaces it); how the import differs from it:")
    for line in diff:
        say(visible(line))
