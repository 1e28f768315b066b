"""End to end with the real trained fixture models (en -> xl, word by word).

Skipped until ``tests/fixtures/packages/*.argosmodel`` exist. The expected output comes
from ``tests/fixtures/synthetic.py``; the alignment comes from the model's attention.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest



@pytest.fixture
def synthetic():
    import synthetic

    return synthetic


def xl(synthetic, text: str) -> str:
    return synthetic.translate_text(text, "en", "xl")


def test_txt_md_srt_html_in_one_job(fixture_engine, synthetic, tmp_path: Path) -> None:
    from offline_nlp.documents import translate_documents

    (tmp_path / "a.txt").write_text("The dog is happy.\n\nWe read a book today.\n")
    (tmp_path / "b.md").write_text("# My garden\n\nThe cat and the **dog** eat `code here` now.\n")
    (tmp_path / "c.srt").write_text("1\n00:00:01,000 --> 00:00:02,500\nThe <i>river</i> is cold.\n")
    (tmp_path / "d.html").write_text('<p>The <b>red</b> car is <a href="x.html">here</a>.</p>')
    jobs = [(tmp_path / n, tmp_path / "out" / n) for n in ("a.txt", "b.md", "c.srt", "d.html")]
    results = translate_documents(jobs, fixture_engine, "en", "xl")
    assert [r.status for r in results] == ["done"] * 4, [r.message for r in results]
    out = tmp_path / "out"
    assert (
        (out / "a.txt").read_text()
        == f"{xl(synthetic, 'The dog is happy.')}\n\n{xl(synthetic, 'We read a book today.')}\n"
    )
    md = (out / "b.md").read_text()
    assert md.startswith(f"# {xl(synthetic, 'My garden')}\n")
    words = xl(synthetic, "The cat and the dog eat now.").split()
    assert f"**{words[4]}**" in md and "`code here`" in md
    srt = (out / "c.srt").read_text()
    assert "00:00:01,000 --> 00:00:02,500" in srt
    cue = xl(synthetic, "The river is cold.").split()
    assert f"<i>{cue[1]}</i>" in srt
    page = (out / "d.html").read_text()
    tr = xl(synthetic, "The red car is here.").split()
    assert f"<b>{tr[1]}</b>" in page and f'<a href="x.html">{tr[4].rstrip(".")}</a>' in page


def test_docx_runs_follow_model_alignment(fixture_engine, synthetic, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from offline_nlp.documents import translate_documents

    d = docx.Document()
    p = d.add_paragraph("My old ")
    p.add_run("friend").bold = True
    p.add_run(" drink green tea.")
    d.add_paragraph("The children play in the garden.")
    buf = io.BytesIO()
    d.save(buf)
    src = tmp_path / "a.docx"
    src.write_bytes(buf.getvalue())
    (r,) = translate_documents([(src, tmp_path / "a.xl.docx")], fixture_engine, "en", "xl")
    assert r.status == "done", r.message
    res = docx.Document(str(tmp_path / "a.xl.docx"))
    expected = xl(synthetic, "My old friend drink green tea.")
    assert res.paragraphs[0].text == expected
    assert [run.text for run in res.paragraphs[0].runs if run.bold] == [expected.split()[2]]
    assert res.paragraphs[1].text == xl(synthetic, "The children play in the garden.")
    assert zipfile.ZipFile(tmp_path / "a.xl.docx").testzip() is None
