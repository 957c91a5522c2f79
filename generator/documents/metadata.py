"""Whether a document's property names someone: a person, an organisation's staff, or a file path that carries a
user's name. Shared by the PDF and Word checks."""

from __future__ import annotations

import re

from ..content.anonymity import identifying
from .facts import Finding, quoted

_PATH = re.compile(r"\b[A-Za-z]:[\\/]|\\\\[\w.$-]+\\|(?:^|[\s\"'(=])/(?:Users|home|mnt|Volumes|media)/|file:/",
                   re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PERSON = re.compile(r"^[A-Z][a-z'\u2019-]+(?:\s+[A-Z]\.)*(?:\s+(?:[A-Z][a-z'\u2019-]+|Mc[A-Z][a-z]+)){1,2}$")
_PROGRAM = re.compile(r"microsoft|word|office|adobe|acrobat|pdf|writer|libre|openoffice|chrom|mozilla|skia|quartz|"
                      r"ghost|distiller|print|excel|google|docs|mac|windows|report|review|version|draft|template|"
                      r"normal|document|final|\d", re.IGNORECASE)
FIX = ("clear it before publishing (Word: File > Info > Check for Issues > Inspect Document; a PDF: its Document "
       "Properties, or export it again from a file without it), then save the file again")


def names(value: str, person: bool = True) -> str | None:
    """What in `value` could identify someone ("a file path", "an e-mail address", and with `person` "a name"),
    or None."""
    if _PATH.search(value):
        return "a file path"
    if _EMAIL.search(value):
        return "an e-mail address"
    if person and _PERSON.match(value.strip()) and not _PROGRAM.search(value):
        return "a name"
    return None


def finding(label: str, value: str, always: bool) -> Finding | None:
    """The finding for a property called `label` holding `value`: any value when `always` (an author, a company),
    else only one that names someone or holds an identifying pattern; None when there is nothing to say."""
    value = value.strip()
    if not value:
        return None
    what = names(value, person=not always) or next((kind for _, kind, _ in identifying(value)), None)
    if what is None and not always:
        return None
    said = f"looks like {what}" if what else "can identify who made or edited the document"
    return Finding("metadata", "metadata", f"its {label} property is '{quoted(value)}', which {said}", FIX,
                   quoted(value))
