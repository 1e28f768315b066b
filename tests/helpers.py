"""Helpers shared by the test modules (importable; conftest modules are not)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from httpserver import Served

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
PACKAGES = FIXTURES / "packages"
SHARED = TESTS.parent.parent / "shared"
FIXTURE_PAIRS = ("en_xl", "xl_en", "en_xz", "xz_en")


def shared_file(*parts: str) -> Path:
    """A file from ``../shared``; the test skips, saying why, where that folder is absent
    (a clone somewhere else): it is outside material, not the project's."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found (../shared is absent)")
    return path


def fixture_package(pair: str) -> Path:
    return PACKAGES / f"translate-{pair}-1_0.argosmodel"


def make_archive(path: Path, pair: str = "en_xl", version: str = "1.0", *,
                 extra: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
                 top: str | None = None) -> Path:
    source, target = pair.split("_")
    top = f"translate-{pair}-{version.replace('.', '_')}" if top is None else top
    prefix = f"{top}/" if top else ""
    metadata = {"package_version": version, "argos_version": "1.9.0", "from_code": source,
                "from_name": source.upper(), "to_code": target, "to_name": target.upper(),
                "code": f"translate-{pair}", "type": "translate"}
    files = {
        "metadata.json": json.dumps(metadata).encode(),
        "model/model.bin": b"weights-" + version.encode(),
        "model/config.json": b"{}",
        "sentencepiece.model": b"sp",
        "stanza/tokenize.pt": b"ignored extra folder",
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            if name not in drop:
                archive.writestr(prefix + name, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def publish(served: Served, base: str, entries: list[dict[str, object]]) -> str:
    """Serve ``entries`` as /index.json and return its URL."""
    served.files["/index.json"] = json.dumps(entries).encode()
    return f"{base}/index.json"


def index_entry(pair: str, base: str, version: str = "1.0", **extra: object) -> dict[str, object]:
    source, target = pair.split("_")
    names = {"en": "English", "xl": "Synthetic Latin", "xz": "Synthetic CJK"}
    entry: dict[str, object] = {
        "package_version": version, "argos_version": "1.9.0", "code": f"translate-{pair}",
        "from_code": source, "from_name": names[source], "to_code": target,
        "to_name": names[target], "links": [f"{base}/translate-{pair}-{version}.argosmodel"],
    }
    entry.update(extra)
    return entry
