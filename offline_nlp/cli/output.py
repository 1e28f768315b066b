"""Terminal output: results to stdout, progress and messages to stderr."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

from offline_nlp.progress import Progress

__all__ = ["ProgressBar", "emit_json", "info"]


def info(message: str) -> None:
    print(message, file=sys.stderr)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class ProgressBar:
    """A one-line bar with rate and time left, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, force: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.label = label
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last_draw < 0.1 and progress.done < progress.total):
            return
        self._last_draw = now
        self.stream.write("\r" + self._line(progress, now - self.started))
        self.stream.flush()

    def _line(self, progress: Progress, elapsed: float) -> str:
        width = 30
        filled = int(width * progress.fraction)
        bar = "█" * filled + "·" * (width - filled)
        left = ""
        if progress.total and progress.done and progress.done < progress.total:
            seconds = elapsed * (progress.total - progress.done) / progress.done
            left = f", {seconds:.0f}s left"
        total = progress.total or "?"
        return f"{self.label} {bar} {progress.done}/{total} {progress.message}{left}   "

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
