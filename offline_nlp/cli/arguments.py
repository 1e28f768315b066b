"""Input shared by the commands: one-line usage errors, bounded numbers, stdin and --text
in whatever encoding they came."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

__all__ = ["MAX_BEAM", "Parser", "bounded", "read_stdin", "text_argument"]

#: The widest beam (and the most alternatives) a command accepts: wider beams cost time
#: and memory in proportion and no longer change the translation (bench/beams.py).
MAX_BEAM = 16


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (exit code 2) like every other error,
    instead of the whole usage text before it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def bounded(kind: type[int | float], low: float, high: float, *,
            above: bool = False) -> Callable[[str], float]:
    """An argparse ``type``: a ``kind`` number from ``low`` (excluded with ``above``)
    to ``high``; anything else is a one-line usage error naming the range."""
    lowest = f"more than {low}" if above else f"at least {low}"

    def parse(raw: str) -> float:
        try:
            value = kind(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {'a whole number' if kind is int else 'a number'}, got {raw!r}"
            ) from None
        too_low = value <= low if above else value < low
        if math.isnan(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(f"must be {lowest} and at most {high}, got {raw}")
        return value

    return parse


def _decode(data: bytes) -> str:
    """Bytes from outside decoded as documents are: BOM, UTF-8, else detected."""
    try:
        from offline_nlp.documents._encoding import decode_bytes
    except ImportError:  # a minimal install without the documents module
        return data.decode("utf-8", errors="replace")
    return decode_bytes(data, Path("standard input")).text


def read_stdin() -> str:
    """All of standard input as text: its bytes decoded like a text file's, not in the
    terminal's encoding (where ``Caf\\xe9`` from a Windows-1252 file would not fit)."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already text (an embedding program, a test)
        return sys.stdin.read()
    return _decode(buffer.read())


def text_argument(text: str) -> str:
    """``--text``: Python keeps bytes that are not in the locale's encoding as lone
    surrogates, which nothing downstream can encode; decode them as stdin is."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return _decode(os.fsencode(text))
