"""translate_documents: one engine call, atomic writes, overwrite/skip, failures, cancel."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from offline_nlp.documents import (
    collect_inputs,
    is_supported,
    output_path,
    supported_extensions,
    translate_documents,
)
from offline_nlp.documents.registry import handler_for, open_document
from offline_nlp.errors import (
    Cancelled,
    DocumentParseError,
    OutputExistsError,
    UnsupportedFormatError,
)
from offline_nlp.progress import Progress

from .conftest import FakeEngine, sha


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    a = src / "a.txt"
    a.write_text("First document.\n\nShared sentence.\n")
    b = src / "sub" / "b.md"
    b.write_text("# Second\n\nShared sentence.\n")
    c = src / "c.srt"
    c.write_text("1\n00:00:01,000 --> 00:00:02,000\nA <i>subtitle</i> line\n")
    return [a, b, c]


def test_one_engine_call_for_all_documents(inputs: list[Path], tmp_path: Path) -> None:
    engine = FakeEngine()
    out = tmp_path / "out"
    jobs = [(p, output_path(p, out, "xx", tmp_path / "in")) for p in inputs]
    events: list[Progress] = []
    before = [sha(p) for p in inputs]
    results = translate_documents(jobs, engine, "en", "xx", on_progress=events.append)
    assert [r.status for r in results] == ["done"] * 3
    # One call for all documents' plain texts, one for those whose inline tags need
    # the words aligned (issue 25: aligning every sentence cost most of the time).
    plain, aligned = engine.calls
    assert [plain["align"], aligned["align"]] == [False, True]
    assert plain["texts"].count("Shared sentence.") == 1  # identical units sent once
    assert set(plain["texts"]) == {"First document.", "Shared sentence.", "Second"}
    assert aligned["texts"] == ["A subtitle line"]
    assert plain["source"] == "en" and plain["target"] == "xx"
    assert (out / "a.xx.txt").read_text() == "FIRST DOCUMENT.\n\nSHARED SENTENCE.\n"
    assert (out / "sub" / "b.xx.md").read_text() == "# SECOND\n\nSHARED SENTENCE.\n"
    assert "A <i>SUBTITLE</i> LINE" in (out / "c.xx.srt").read_text()
    assert [sha(p) for p in inputs] == before
    messages = [e.message for e in events]
    assert any(m.startswith("reading a.txt") for m in messages)
    assert any(m.startswith("wrote c.xx.srt") for m in messages)
    assert any(m == "translating" for m in messages)  # the engine's own progress passes through
    assert not list(out.rglob("*.part"))


def test_failed_file_does_not_stop_the_others(inputs: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "in" / "broken.docx"
    broken.write_bytes(b"")
    wrong = tmp_path / "in" / "wrong.pdf"
    wrong.write_text("not a pdf")
    jobs = [(p, tmp_path / "out" / (p.name + ".out" + p.suffix)) for p in [broken, *inputs, wrong]]
    engine = FakeEngine()
    results = translate_documents(jobs, engine, "en", "xx")
    assert [r.status for r in results] == ["failed", "done", "done", "done", "failed"]
    assert isinstance(results[0].error, DocumentParseError) and "broken.docx" in results[0].message
    assert "empty" in str(results[0].error)
    assert "wrong.pdf" in str(results[-1].error)
    assert not jobs[0][1].exists() and not jobs[-1][1].exists()
    assert len(engine.calls) == 2  # the plain texts and the aligned ones, of all files


def test_existing_output_overwrite_and_skip(inputs: list[Path], tmp_path: Path) -> None:
    dst = tmp_path / "a.xx.txt"
    dst.write_text("old")
    engine = FakeEngine()
    (r,) = translate_documents([(inputs[0], dst)], engine, "en", "xx")
    assert r.status == "failed" and isinstance(r.error, OutputExistsError)
    assert dst.read_text() == "old" and engine.calls == []
    (r,) = translate_documents([(inputs[0], dst)], engine, "en", "xx", skip_existing=True)
    assert r.status == "skipped" and dst.read_text() == "old"
    (r,) = translate_documents([(inputs[0], dst)], engine, "en", "xx", overwrite=True)
    assert r.status == "done" and dst.read_text().startswith("FIRST")


def test_source_is_never_the_output(inputs: list[Path]) -> None:
    before = sha(inputs[0])
    (r,) = translate_documents([(inputs[0], inputs[0])], FakeEngine(), "en", "xx", overwrite=True)
    assert r.status == "failed" and sha(inputs[0]) == before


def test_cancel_during_translation_writes_nothing(inputs: list[Path], tmp_path: Path) -> None:
    cancel = threading.Event()
    engine = FakeEngine(batch=1)

    def on_progress(p: Progress) -> None:
        if p.message == "translating" and p.done >= 1:
            cancel.set()

    jobs = [(p, tmp_path / "out" / p.name) for p in inputs]
    with pytest.raises(Cancelled):
        translate_documents(jobs, engine, "en", "xx", on_progress=on_progress, cancel=cancel)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cancel_between_writes_keeps_finished_files(inputs: list[Path], tmp_path: Path) -> None:
    cancel = threading.Event()

    def on_progress(p: Progress) -> None:
        if p.message.startswith("wrote"):
            cancel.set()

    jobs = [(p, tmp_path / "out" / p.name) for p in inputs]
    with pytest.raises(Cancelled):
        translate_documents(jobs, FakeEngine(), "en", "xx", on_progress=on_progress, cancel=cancel)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["a.txt"]  # finished, complete, no temp file left


def test_write_failure_leaves_no_partial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n")
    from offline_nlp.documents.txt import TxtDocument

    def boom(self, dst, translations, bilingual=False):
        dst.write(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(TxtDocument, "write", boom)
    (r,) = translate_documents([(src, tmp_path / "o.txt")], FakeEngine(), "en", "xx")
    assert r.status == "failed" and "No space left" in r.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_engine_error_propagates(inputs: list[Path], tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="engine failure"):
        translate_documents(
            [(inputs[0], tmp_path / "o.txt")], FakeEngine(fail_on="First"), "en", "xx"
        )
    assert not (tmp_path / "o.txt").exists()


def test_output_path_names() -> None:
    assert output_path("/d/report.docx", "/o", "zh") == Path("/o/report.zh.docx")
    assert output_path("/d/report.pdf", "/o", "zh") == Path("/o/report.zh.pdf")
    assert output_path("/d/x/y/a.tar.md", "/o", "de", input_root="/d") == Path("/o/x/y/a.tar.de.md")
    assert output_path("/elsewhere/a.txt", "/o", "de", input_root="/d") == Path("/o/a.de.txt")


def test_collect_inputs(inputs: list[Path], tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "notes.xyz").write_text("x")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "h.txt").write_text("hidden")
    supported, skipped = collect_inputs([root, tmp_path / "missing.txt"])
    assert sorted(p.relative_to(root).as_posix() for p, r in supported) == [
        "a.txt",
        "c.srt",
        "sub/b.md",
    ]
    assert all(r == root for _, r in supported)
    reasons = {p.name: why for p, why in skipped}
    assert reasons["notes.xyz"].startswith("unsupported file type .xyz")
    assert reasons["missing.txt"] == "no such file or folder"
    flat, _ = collect_inputs([root], recursive=False)
    assert sorted(p.name for p, _ in flat) == ["a.txt", "c.srt"]
    single, _ = collect_inputs([inputs[0]])
    assert single == [(inputs[0], inputs[0].parent)]


def test_registry() -> None:
    exts = supported_extensions()
    for ext in [
        ".txt",
        ".md",
        ".html",
        ".htm",
        ".xhtml",
        ".docx",
        ".pptx",
        ".xlsx",
        ".odt",
        ".odp",
        ".ods",
        ".epub",
        ".srt",
        ".vtt",
        ".pdf",
    ]:
        assert ext in exts and is_supported(f"x{ext.upper()}")
    assert not is_supported("x.exe")
    with pytest.raises(UnsupportedFormatError, match="unsupported file type '.exe'"):
        handler_for("x.exe")
    with pytest.raises(DocumentParseError, match="nothere.txt"):
        open_document("/nonexistent/nothere.txt")


def test_missing_optional_library_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "lxml", None)
    monkeypatch.delitem(sys.modules, "offline_nlp.documents.docx", raising=False)
    monkeypatch.delitem(sys.modules, "offline_nlp.documents._package", raising=False)
    monkeypatch.delitem(sys.modules, "offline_nlp.documents.xmlruns", raising=False)
    with pytest.raises(UnsupportedFormatError, match=r"install offline-nlp\[documents\]"):
        handler_for(tmp_path / "a.docx")


def test_minimal_install_imports_no_optional_library(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; sys.modules['lxml'] = None; sys.modules['charset_normalizer'] = None;"
        "sys.modules['markdown_it'] = None; sys.modules['pypdf'] = None\n"
        "from offline_nlp.documents import open_document\n"
        f"d = open_document({str(tmp_path / 'a.srt')!r}); print(len(d.segments()))\n"
        f"d = open_document({str(tmp_path / 'a.txt')!r}); print(len(d.segments()))\n"
        "print(sorted(m for m, v in sys.modules.items() if v is not None and m.startswith(('PySide6', 'lxml', 'pypdf'))))"
    )
    (tmp_path / "a.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n")
    (tmp_path / "a.txt").write_bytes("Grüße".encode("cp1252"))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert out.stdout.split("\n")[:3] == ["1", "1", "[]"]


@pytest.mark.parametrize("name", ["a.txt", "b.md", "c.srt", "d.html", "e.docx"])
def test_write_twice_gives_the_same_file(tmp_path: Path, name: str) -> None:
    pytest.importorskip("lxml")
    pytest.importorskip("markdown_it")
    src = tmp_path / name
    if name.endswith(".docx"):
        import importlib.util

        bench = Path(__file__).resolve().parents[2] / "bench" / "documents.py"
        spec = importlib.util.spec_from_file_location("bench_documents", bench)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make_docx(src, pages=2)
    else:
        src.write_text(
            {
                "a.txt": "Some text.\n",
                "b.md": "Some *text*.\n",
                "d.html": "<p>Some <b>text</b>.</p>",
                "c.srt": "1\n00:00:01,000 --> 00:00:02,000\nSome <i>text</i>.\n",
            }[name]
        )
    doc = open_document(src)
    segs = doc.segments()
    trs = FakeEngine().translate_texts([s.text for s in segs], "en", "xx", align=True)
    doc.write(tmp_path / "one", trs)
    doc.write(tmp_path / "two", trs, bilingual=True)
    doc.write(tmp_path / "three", trs)
    assert (tmp_path / "one").read_bytes() == (tmp_path / "three").read_bytes()
    assert (tmp_path / "one").read_bytes() != (tmp_path / "two").read_bytes()


def test_each_document_is_read_once(inputs: list[Path], tmp_path: Path, monkeypatch) -> None:
    """Issue 25: every document was parsed twice, to count its sentences and to translate."""
    from offline_nlp.documents import pipeline

    opened: list[Path] = []
    monkeypatch.setattr(pipeline, "open_document",
                        lambda path: opened.append(path) or open_document(path))
    jobs = [(p, tmp_path / "out" / p.name) for p in inputs]
    results = translate_documents(jobs, FakeEngine(), "en", "xx")
    assert [r.status for r in results] == ["done"] * 3
    assert sorted(opened) == sorted(inputs)
