"""Layering: the core never imports Qt, the imports keep the layers of
docs/architecture.md, and the public facade is complete and sorted."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import offline_nlp

ROOT = Path(__file__).resolve().parents[1]

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


def test_imports_keep_the_layers_of_docs_architecture() -> None:
    """The contracts of pyproject's [tool.importlinter]: the layers, no circles between
    modules of a package, Qt only in the GUI (docs/architecture.md).

    In a child process: import-linter's CLI calls logging.config.dictConfig, which
    disables every logger already made, and the tests after it then saw no warnings."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def _bench_imports() -> dict[str, set[str]]:
    """Which bench modules each bench module imports (top level or inside functions)."""
    modules = {path.stem: path for path in (ROOT / "bench").glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
        graph[name] = found & modules.keys() - {name}
    return graph


def test_no_bench_module_imports_itself_round_a_circle() -> None:
    """bench/ is scripts, not a package, so import-linter does not see it."""
    graph = _bench_imports()

    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for name in graph[todo.pop()] - seen:
                seen.add(name)
                todo.append(name)
        return seen

    assert [name for name in sorted(graph) if name in reaches(name)] == []
