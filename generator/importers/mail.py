"""An e-mail saved as a file (.eml): its text, decoded (quoted-printable or base64, in its character set), read
as plain text, or where it has none, its HTML read as a web page. Its headers are never part of the letter.

(Named mail.py, not email.py: the standard library's email package must stay importable.)
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message

from .blocks import MAX_BYTES, Block, FileError
from .text import DEAR, text_blocks
from .webpage import read_webpage

MAX_PARTS = 1000  # an e-mail with a letter has a few


def read_email(data: bytes) -> list[Block]:
    """The letter in the e-mail's text: its plain text part (the first that is not an attachment), else its HTML
    part; refused when it has neither, or when the letter is an attachment to save and import itself."""
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
    for kind in ("text/plain", "text/html"):
        part = next((p for p in parts if p.get_content_type() == kind and not p.get_filename()
                     and p.get_content_disposition() != "attachment"), None)
        if part is None:
            continue
        text = _decoded(part)
        blocks = text_blocks(text) if kind == "text/plain" else read_webpage(text.encode("utf-8"))
        letters = [name for name in attached if name.lower().endswith((".pdf", ".docx", ".htm", ".html", ".txt"))]
        if letters and not any(DEAR.match(b.text) for b in blocks):
            raise FileError(f"the letter is not in the e-mail's text but attached to it ({', '.join(letters[:3])}); "
                            "save the attachment and import that file")
        return blocks
    raise FileError("the e-mail has no text part to read"
                    + (f", only attachments ({', '.join(attached[:3])}): save the letter and import that file"
                       if attached else ": open it in your mail program and paste the letter with --from-stdin"))


def _parts(message: Message) -> list[EmailMessage]:
    """The message's leaf parts in order, without recursion; at most MAX_PARTS."""
    found: list[EmailMessage] = []
    waiting: list[Message] = [message]
    while waiting:
        part = waiting.pop()
        if part.is_multipart():
            payload = part.get_payload()
            waiting.extend(reversed(payload if isinstance(payload, list) else []))
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
