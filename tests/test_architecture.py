"""Layering: the core never imports Qt, and the public facade is complete and sorted."""

from __future__ import annotations

import subprocess
import sys

import offline_nlp

CORE = ["offline_nlp", "offline_nlp.engine", "offline_nlp.packages", "offline_nlp.cli",
        "offline_nlp.context", "offline_nlp.settings"]


def test_core_modules_import_without_qt() -> None:
    code = (f"import sys; import {', '.join(CORE)}; "
            "print([m for m in sys.modules if m.startswith(('PySide6', 'PyQt', 'torch'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_facade_is_sorted_and_importable() -> None:
    assert offline_nlp.__all__ == sorted(offline_nlp.__all__)
    for name in offline_nlp.__all__:
        assert getattr(offline_nlp, name) is not None
