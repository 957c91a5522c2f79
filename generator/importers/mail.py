"""An e-mail saved as a file (.eml): its text, decoded (quoted-printable or base64, in its character set): its HTML
read as a web page (whose lists keep their numbers and nesting, which the plain text copy beside it loses), or its
plain text where that holds the letter and the HTML does not. Its headers are never part of the letter.

(Named mail.py, not email.py: the standard library's email package must stay importable.)
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message
from typing import Any

from .blocks import MAX_BYTES, Block, FileError
from .letter import DATE_LINE
from .text import DEAR, text_blocks
from .webpage import read_webpage

MAX_PARTS = 1000  # an e-mail with a letter has a few
LETTER_FILES = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".htm", ".html", ".txt", ".eml")


def read_email(data: bytes) -> list[Block]:
    """The letter in the e-mail's text: its HTML part (the first that is not an attachment), else its plain text
    part; refused when it has neither, or when the text is a covering note and the letter an attachment to save
    and import itself."""
    if len(data) > MAX_BYTES:
        raise FileError(f"it is {len(data) // 1_000_000} MB; an e-mail with a letter is far smaller")
    if (count := data.lower().count(b"content-type:")) > MAX_PARTS:
        raise FileError(f"it has {count:,} parts, far more than an e-mail with a letter; it may be damaged or made "
                        "to harm readers: paste the letter's text with --from-stdin")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = _parts(message)
    except RecursionError:
        raise FileError("its parts are nested too deeply to read; paste the letter's text with --from-stdin") from None
    attached = [name for part in parts if (name := part.get_filename())]
    letters = [name for name in attached if name.lower().endswith(LETTER_FILES)]
    texts = [(p, kind) for kind in ("text/html", "text/plain") for p in parts if
             p.get_content_type() == kind and not p.get_filename() and p.get_content_disposition() != "attachment"]
    read = [_read(part, kind) for part, kind in texts[:2]]
    blocks = next((found for found in read if _is_letter(found)), read[0] if read else None)
    if blocks is not None and (not letters or _is_letter(blocks)):
        return blocks
    if letters:
        raise FileError(f"the letter is not in the e-mail's text but attached to it ({', '.join(letters[:3])}); "
                        f"save the attachment and import it: dhr import letter \"{letters[0]}\" --review SLUG")
    raise FileError("the e-mail has no text part to read"
                    + (f", only attachments ({', '.join(attached[:3])}): save the letter and import that file"
                       if attached else ": open it in your mail program and paste the letter with --from-stdin"))


def _read(part: EmailMessage, kind: str) -> list[Block]:
    """A text part's paragraphs: HTML read as a web page (its lists keep their structure, which its plain text
    copy loses), plain text as text."""
    text = _decoded(part)
    return read_webpage(text.encode("utf-8")) if kind == "text/html" else text_blocks(text)


def _is_letter(blocks: list[Block]) -> bool:
    """Whether the text is the letter, not a covering note: it has 'Dear ...' and its date line above it."""
    dear = next((n for n, b in enumerate(blocks) if DEAR.match(b.text)), None)
    return dear is not None and any(DATE_LINE.match(b.text) for b in blocks[:dear])


def _parts(message: Message) -> list[EmailMessage]:
    """The message's leaf parts in order, without recursion; at most MAX_PARTS."""
    found: list[EmailMessage] = []
    waiting: list[Message] = [message]
    while waiting:
        part = waiting.pop()
        if part.is_multipart():
            payload = part.get_payload()
            parts: list[Any] = payload if isinstance(payload, list) else []
            waiting.extend(reversed(parts))
        elif isinstance(part, EmailMessage):
            found.append(part)
        if len(found) + len(waiting) > MAX_PARTS:
            raise FileError(f"it has more than {MAX_PARTS} parts, far more than an e-mail with a letter; it may be "
                            "damaged or made to harm readers: paste the letter's text with --from-stdin")
    return found


def _decoded(part: EmailMessage) -> str:
    """A text part's text, decoded; in a character set Python does not know, read as Windows' own."""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("cp1252", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""
