"""Reading and checking a review's documents (PDF and Word) before they are published.

Public face: `inspect(path)` gives a document's `DocumentFacts`: its text page by page, title, language, whether it
is tagged, and each `Finding` of the checks named in `CHECKS` (a suspected failed redaction is `blocking`). Reading
runs in a bounded child process (`generator.isolate`) within the limits in `facts`; no file's content makes it
raise. `reading` sniffs the file and dispatches to `pdf` (with `layers`, what a page hides, and `annotations`,
what it carries beside) or `word`; `metadata` judges what a property names.
"""

from .facts import CHECKS, DocumentFacts, Finding
from .reading import inspect

__all__ = ["CHECKS", "DocumentFacts", "Finding", "inspect"]
