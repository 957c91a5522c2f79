"""Progress for long builds: silent for the first second, then the stage and a count."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Tells the terminal what a build is doing, once it has taken more than `after` seconds."""

    def __init__(self, stream: TextIO | None = None, after: float = 1.0) -> None:
        self.stream = stream
        self.after = after
        self.started = time.perf_counter()
        self._stage, self._done, self._total = "", 0, 0
        self._shown = 0.0

    def stage(self, name: str, total: int = 0) -> None:
        self._stage, self._done, self._total = name, 0, total
        self._show(force=True)

    def advance(self, count: int = 1) -> None:
        self._done += count
        self._show()

    def finish(self) -> None:
        if self._shown and self.stream is not None and self.stream.isatty():
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()

    def _show(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.stream is None or now - self.started < self.after or (not force and now - self._shown < 0.25):
            return
        tty = self.stream.isatty()
        if not tty and not force:
            return  # a log gets one line per stage
        text = f"{self._stage}: {self._done:,} of {self._total:,}" if self._total else f"{self._stage}..."
        self.stream.write(f"\r{text:<70}" if tty else text + "\n")
        self.stream.flush()
        self._shown = now

