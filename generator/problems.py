"""Problems found in content: one shape for every stage, printed as `path:line: field: problem; fix`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one content file."""

    path: str
    line: int
    field: str
    message: str
    fix: str
    severity: str = ERROR

    def __str__(self) -> str:
        tag = "" if self.severity == ERROR else "warning: "
        return visible(f"{self.path}:{self.line}: {tag}{self.field}: {self.message}; {self.fix}")


def visible(text: str) -> str:
    """`text` with every character a terminal could act on (controls, line separators, bidirectional
    overrides) written as an escape, so a file or folder name can never change what the terminal shows."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else
                   (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") for ch in text)


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class Problems:
    """Collects every problem of a run, so all of them are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self, path: Path | str, line: int, field_name: str, message: str, fix: str, severity: str = ERROR
    ) -> None:
        self.items.append(Problem(display_path(path), line, field_name, message, fix, severity))

    def warn(self, path: Path | str, line: int, field_name: str, message: str, fix: str) -> None:
        self.add(path, line, field_name, message, fix, WARNING)

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity == WARNING)

    def failed(self, strict: bool = False) -> bool:
        """True when the run must stop: any error, or any warning under --strict."""
        return bool(self.errors) or (strict and bool(self.warnings))


def summarised(problems: list[Problem], many: int = 5, shown: int = 3) -> list[str]:
    """Each problem as a line; a warning that `many` or more files share (the same field, words and fix) is one
    line, at its first place, with the count and the next few places: `dhr check --report` lists every one."""
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.severity, problem.field, problem.message, problem.fix), []).append(problem)
    lines = []
    for problem in problems:
        same = groups[(problem.severity, problem.field, problem.message, problem.fix)]
        if problem.severity == ERROR or len(same) < many:
            lines.append(str(problem))
        elif problem is same[0]:
            places = ", ".join(f"{p.path}:{p.line}" for p in same[1:1 + shown])
            lines.append(visible(f"{problem} (and {len(same) - 1} more places alike: {places}, ...; "
                                 "dhr check --report lists every one)"))
    return lines


class ContentError(Exception):
    """Raised by a stage that cannot go on; carries every problem found so far."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors)} content error(s)")
        self.problems = problems


class UsageError(Exception):
    """The command cannot run as asked (a dangerous --out, a busy folder, a bad setting): one line says why."""
