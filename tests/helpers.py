"""Helpers shared by the test modules (importable; conftest modules are not)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from httpserver import Served

if TYPE_CHECKING:
    from offline_nlp.engine import Engine

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


# -- translation models made to fail in known ways ---------------------------------------

#: What a broken model makes of each real result: (source tokens, hypothesis tokens,
#: attention rows, beam size) -> (tokens, rows).
Change = Callable[[list[str], list[str], list[list[float]], int],
                  tuple[list[str], list[list[float]]]]


class _ChangedFuture:
    def __init__(self, future: Any, change: Change, source: list[str], beam: int) -> None:
        self.future, self.change, self.source, self.beam = future, change, source, beam

    def done(self) -> bool:
        return bool(self.future.done())

    def result(self) -> object:
        result = self.future.result()
        attention = result.attention or [[] for _ in result.hypotheses]
        changed = [self.change(self.source, h, a, self.beam)
                   for h, a in zip(result.hypotheses, attention)]
        return SimpleNamespace(hypotheses=[h for h, _ in changed],
                               attention=[a for _, a in changed])


class BrokenTranslator:
    """A CTranslate2 translator whose every result ``change`` alters, tokens and attention
    together, so the exact right answer is still known; ``seen`` keeps its inputs."""

    def __init__(self, real: Any, change: Change) -> None:
        self.real, self.change = real, change
        self.seen: list[list[str]] = []

    def translate_batch(self, batch, **kwargs):  # type: ignore[no-untyped-def]
        self.seen.extend(batch)
        futures = self.real.translate_batch(batch, **kwargs)
        return [_ChangedFuture(f, self.change, s, kwargs["beam_size"])
                for f, s in zip(futures, batch)]


def broken_model(monkeypatch: pytest.MonkeyPatch, engine: Engine, pair: tuple[str, str],
                 change: Change) -> list[list[str]]:
    """Make the pair's model return what ``change`` makes of each real result; returns
    the inputs it was given, so tests can see what went to the model."""
    model = engine.models.get(engine.route(*pair).packages[0])
    broken = BrokenTranslator(model.translator, change)
    monkeypatch.setattr(model, "translator", broken)
    return broken.seen


def hypothesis_only(change: Callable[[list[str], list[str]], list[str]]) -> Change:
    """A :data:`Change` of the hypothesis alone, ``change(source, hypothesis)``: the
    attention stays the real one (rows beyond a shortened output are not read)."""
    return lambda source, tokens, rows, beam: (change(source, tokens), rows)
