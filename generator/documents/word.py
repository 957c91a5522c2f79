"""A Word document (.docx) read as a zip of XML, within limits (members, declared and actual sizes, elements; no
DTD or entity is ever parsed): its text page by page as Word last laid it out, its title and language, and what
the checks find: tracked changes, comments, hidden text, earlier versions, metadata that names someone, and file
paths or identifying patterns in its headers, footers and notes (the body's patterns are found on its pages)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from ..content.anonymity import identifying
from ..isolate import ReadError
from . import metadata
from .facts import MAX_PAGE_CHARS, MAX_PAGES, DocumentFacts, Finding, quoted, titled, unread

MAX_MEMBERS = 2000
MAX_PART = 100 * 1000 * 1000  # one part, unpacked
MAX_UNPACKED = 200 * 1000 * 1000  # all parts together, as declared
MAX_ELEMENTS = 5_000_000  # in the document body
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"  # a copy for older programs
_CHANGES = {f"{W}{name}": label for name, label in (
    ("ins", "an insertion"), ("del", "a deletion"), ("moveFrom", "a move"), ("moveTo", "a move"),
    ("rPrChange", "a formatting change"), ("pPrChange", "a formatting change"), ("sectPrChange", "a layout change"),
    ("tblPrChange", "a table change"), ("trPrChange", "a table change"), ("tcPrChange", "a table change"),
    ("numberingChange", "a numbering change"))}
_VERSION = re.compile(r"version|_UIVersion", re.IGNORECASE)
_FIX_CHANGES = ("accept or reject every change (Review > Accept > Accept All Changes and Stop Tracking) and save "
                "the document again")
_FIX_COMMENTS = "delete every comment (Review > Delete > Delete All Comments in Document) and save again"
_FIX_HIDDEN = ("delete the hidden text (File > Info > Check for Issues > Inspect Document > Hidden Text) and save "
               "again")
_FIX_VERSIONS = ("save a clean copy without earlier versions or embedded documents (File > Info > Inspect "
                 "Document), or copy the final text into a new document")


def read_word(data: bytes) -> DocumentFacts:
    """The facts of a .docx; a limit broken, or XML Word never writes, is a ReadError saying which."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = _Parts(archive)
        body = parts.xml("word/document.xml")
        if body is None:
            return unread("type", "it is a zip file with no Word document inside it",
                          "save it from Word as a Word Document (.docx)", "docx")
        return _facts(parts, body)
    except zipfile.BadZipFile as exc:
        return unread("unreadable", f"it is damaged ({exc})", "open it in Word and save it again", "docx")


class _Parts:
    """The zip's members, each read within the limits."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReadError(f"it holds {len(infos):,} parts, far more than a Word document; it may be a zip bomb")
        if sum(info.file_size for info in infos) > MAX_UNPACKED:
            raise ReadError(f"it would unpack to more than {MAX_UNPACKED // 1_000_000} MB, far more than a Word "
                           "document; it may be a zip bomb")
        if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
            raise ReadError("it is compressed in a way Word never uses")
        self.archive = archive
        self.infos = {info.filename: info for info in infos}

    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, name: str) -> bytes | None:
        info = self.infos.get(name)
        if info is None:
            return None
        if info.file_size > MAX_PART:
            raise ReadError(f"its part {name} is larger than {MAX_PART // 1_000_000} MB; it may be a zip bomb")
        with self.archive.open(info) as handle:
            content = handle.read(MAX_PART + 1)
        if len(content) > MAX_PART:
            raise ReadError(f"its part {name} unpacks to more than it says; it may be a zip bomb")
        return content

    def xml(self, name: str) -> ElementTree.Element | None:
        content = self.read(name)
        return None if content is None else _parse(content, name)


def _parse(content: bytes, name: str) -> ElementTree.Element:
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise ReadError(f"its part {name} declares a DTD or entities, which Word never writes")
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise ReadError(f"its part {name} is not well-formed XML ({exc})") from None


@dataclass
class _Body:
    """What walking the document body gathers."""

    pages: list[list[str]] = field(default_factory=lambda: [[]])
    paragraph: int = 0
    findings: list[Finding] = field(default_factory=list)
    comments: dict[str, int] = field(default_factory=dict)  # comment id -> the paragraph it is anchored in
    language: str | None = None


def _facts(parts: _Parts, body: ElementTree.Element) -> DocumentFacts:
    walked = _walk(body)
    findings = walked.findings
    findings += _comments(parts, walked.comments)
    core = parts.xml("docProps/core.xml")
    title = _core(core, findings)
    findings += _app(parts.xml("docProps/app.xml"))
    findings += _custom(parts.xml("docProps/custom.xml"))
    findings += _paths_and_versions(parts)
    findings += _margins(parts)
    language = _language(parts) or walked.language
    pages = tuple("".join(page).strip("\n")[:MAX_PAGE_CHARS] for page in walked.pages[:MAX_PAGES])
    if len(walked.pages) > MAX_PAGES:
        findings.append(Finding("file", "unreadable", f"it has {len(walked.pages):,} pages; only the first "
                                f"{MAX_PAGES:,} were read", "split it into documents of fewer pages"))
    if not any(page.strip() for page in pages):
        findings.append(Finding("file", "no-text", "it has no text: it may hold only pictures of pages, which screen "
                                "readers cannot read and search cannot find", "publish the document with its text"))
    if title is None:
        findings.append(Finding("metadata", "no-title", "it has no document title, which screen readers announce",
                                "set its Title (File > Info > Properties > Title) and save it again"))
    if language is None:
        findings.append(Finding("metadata", "no-language", "it declares no language, so screen readers may read it "
                                "in the wrong voice", "set its language (Review > Language > Set Proofing "
                                "Language) and save it again"))
    return DocumentFacts("docx", pages, title, language, True, tuple(findings))


def _walk(body: ElementTree.Element) -> _Body:
    """The body in document order: pages split where Word last broke them (or at page breaks, where it never
    recorded its layout), and the tracked changes, hidden text and comment anchors of each paragraph."""
    walked = _Body()
    rendered = any(True for _ in body.iter(f"{W}lastRenderedPageBreak"))
    count = 0
    hidden_runs: dict[int, list[str]] = {}
    changes: list[tuple[int, str, ElementTree.Element]] = []
    todo: list[tuple[ElementTree.Element, bool]] = [(body, False)]
    while todo:
        element, hidden = todo.pop()
        count += 1
        if count > MAX_ELEMENTS:
            walked.findings.append(Finding("file", "unreadable", f"its body holds more than {MAX_ELEMENTS:,} "
                                           "elements; only those were read", "check it is the right document"))
            break
        tag = element.tag
        if tag == f"{W}p":
            walked.paragraph += 1
            walked.pages[-1].append("\n")
        elif tag == f"{W}r":
            properties = element.find(f"{W}rPr")
            hidden = properties is not None and any(_on(properties.find(f"{W}{name}")) for name in
                                                    ("vanish", "specVanish"))
        elif tag == f"{W}t" and element.text:
            if hidden:
                hidden_runs.setdefault(walked.paragraph, []).append(element.text)
            else:
                walked.pages[-1].append(element.text)
        elif (tag == f"{W}lastRenderedPageBreak" or (tag == f"{W}br" and element.get(f"{W}type") == "page"
                                                     and not rendered)):
            walked.pages.append([])
        elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            walked.pages[-1].append(" " if tag == f"{W}tab" else "\n")
        elif tag in _CHANGES:
            changes.append((walked.paragraph, _CHANGES[tag], element))
        elif tag in (f"{W}commentRangeStart", f"{W}commentReference"):
            walked.comments.setdefault(element.get(f"{W}id", ""), walked.paragraph)
        elif tag == f"{W}lang" and walked.language is None:
            walked.language = element.get(f"{W}val")
        todo += [(child, hidden) for child in reversed(element) if child.tag != FALLBACK]
    for paragraph, texts in hidden_runs.items():
        words = quoted("".join(texts))
        walked.findings.append(Finding(f"paragraph {paragraph}", "hidden-text", f"the hidden text '{words}' is in "
                                       "the file, though Word does not show it", _FIX_HIDDEN, words))
    for paragraph, label, element in changes:
        words = quoted("".join(t.text or "" for t in element.iter() if t.tag in (f"{W}t", f"{W}delText")))
        said = f": '{words}'" if words else ""
        who = element.get(f"{W}author", "")
        by = f" by '{quoted(who)}'" if who else ""
        walked.findings.append(Finding(f"paragraph {paragraph}", "tracked-changes", f"a tracked change ({label}"
                                       f"{by}) remains{said}", _FIX_CHANGES, words))
    return walked


def _on(toggle: ElementTree.Element | None) -> bool:
    return toggle is not None and toggle.get(f"{W}val", "true") not in ("0", "false", "off")


def _comments(parts: _Parts, anchors: dict[str, int]) -> list[Finding]:
    root = parts.xml("word/comments.xml")
    found = []
    for comment in [] if root is None else root.iter(f"{W}comment"):
        text = quoted(" ".join(t.text or "" for t in comment.iter(f"{W}t")))
        author = comment.get(f"{W}author", "")
        where = anchors.get(comment.get(f"{W}id", ""))
        found.append(Finding(f"paragraph {where}" if where else "comments", "comments",
                             f"a comment{f' by {quoted(author)!r}' if author else ''} remains: '{text}'",
                             _FIX_COMMENTS, text))
    return found


_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def _core(core: ElementTree.Element | None, findings: list[Finding]) -> str | None:
    """The title, after adding the core properties' findings: author and last editor always, the others when they
    name someone."""
    if core is None:
        return None
    for tag, label, always in ((f"{_DC}creator", "Author", True), (f"{_CP}lastModifiedBy", "Last Modified By", True),
                               (f"{_DC}description", "Comments", True), (f"{_DC}title", "Title", False),
                               (f"{_DC}subject", "Subject", False), (f"{_CP}keywords", "Tags", False)):
        element = core.find(tag)
        found = metadata.finding(label, element.text or "", always) if element is not None else None
        if found:
            findings.append(found)
    title = core.find(f"{_DC}title")
    return titled(title.text) if title is not None else None


def _app(app: ElementTree.Element | None) -> list[Finding]:
    if app is None:
        return []
    found = []
    for name, always in (("Company", True), ("Manager", True), ("HyperlinkBase", False), ("Template", False)):
        element = app.find(f"{_EP}{name}")
        if element is not None and (finding := metadata.finding(name, element.text or "", always)):
            found.append(finding)
    return found


def _custom(custom: ElementTree.Element | None) -> list[Finding]:
    """Each custom property: an earlier version's record, or metadata someone added."""
    found = []
    for prop in [] if custom is None else list(custom)[:MAX_MEMBERS]:
        name = prop.get("name", "")
        value = " ".join(v.text or "" for v in prop.iter() if v.tag.startswith(_VT)).strip()
        if _VERSION.search(name):
            found.append(Finding("metadata", "versions", f"its custom property '{quoted(name)}' ('{quoted(value)}') "
                                 "records an earlier version", _FIX_VERSIONS, quoted(value)))
        elif finding := metadata.finding(f"custom '{quoted(name)}'", value, True):
            found.append(finding)
    return found


def _paths_and_versions(parts: _Parts) -> list[Finding]:
    """Links to files on someone's computer (an attached template, a linked file), earlier versions kept in custom
    XML, and other documents embedded whole."""
    found = []
    for name in parts.names():
        if name.endswith(".rels"):
            root = parts.xml(name)
            for rel in [] if root is None else list(root)[:MAX_MEMBERS]:
                target = rel.get("Target", "")
                if metadata.names(target) == "a file path":
                    found.append(Finding("metadata", "metadata", f"it links to '{quoted(target)}', a file path that "
                                         "can name who made it", metadata.FIX, quoted(target)))
        elif name.startswith("customXml/item") and name.endswith(".xml"):
            content = parts.read(name) or b""
            if re.search(rb"version\s*history|versionhistory|<[\w:]*version[^>]*>\s*\d", content, re.IGNORECASE):
                found.append(Finding("metadata", "versions", f"its part {name} records earlier versions",
                                     _FIX_VERSIONS))
        elif name.startswith("word/embeddings/") and name.lower().endswith((".docx", ".doc", ".pdf", ".bin")):
            found.append(Finding("file", "versions", f"it holds another document inside it ({name}), which may be an "
                                 "earlier draft", _FIX_VERSIONS, name))
    return found


_MARGINS = re.compile(r"word/(header|footer|footnotes|endnotes)\d*\.xml")
_PLACES = {"header": "a header", "footer": "a footer", "footnotes": "the footnotes", "endnotes": "the endnotes"}


def _margins(parts: _Parts) -> list[Finding]:
    """File paths and identifying patterns in the headers, footers, footnotes and endnotes (a footer's file name
    field often shows where the document was saved, and whose folder that was)."""
    found = []
    for name in parts.names():
        match = _MARGINS.fullmatch(name)
        root = parts.xml(name) if match else None
        if match is None or root is None:
            continue
        place = _PLACES[match.group(1)]
        for paragraph in root.iter(f"{W}p"):
            text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
            if metadata.names(text, person=False) == "a file path":
                found.append(Finding(place, "metadata", f"{place} shows the file path '{quoted(text)}', which can "
                                     "name who saved it", f"remove the file name field from {place}, then save "
                                     "again", quoted(text)))
            found += [Finding(place, "pattern", f"'{matched}' in {place} looks like {what}, which could identify "
                              "people", f"{fix}, then save again", matched) for matched, what, fix in identifying(text)]
    return found


def _language(parts: _Parts) -> str | None:
    """The language Word's styles give the text by default."""
    root = parts.xml("word/styles.xml")
    for element in [] if root is None else root.iter(f"{W}lang"):
        if element.get(f"{W}val"):
            return element.get(f"{W}val")
    return None
