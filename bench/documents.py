"""Document translation speed: parsing + writing vs engine time, on a large docx and EPUB.

    .venv/bin/python bench/documents.py --engine fake            # no model: overhead only
    .venv/bin/python bench/documents.py --engine random --pages 40   # Transformer-base, random weights
    .venv/bin/python bench/documents.py --engine packages --from en --to de

* ``fake``: a word-by-word upper-casing engine with exact alignment (measures our own cost).
* ``random``: the Transformer-base sized model with random int8 weights from
  bench/translate.py (built once into bench/out), decoding exactly ``--length`` tokens
  per sentence, through the real :class:`offline_nlp.engine.Engine`.
* ``packages``: the installed Argos packages (``OFFLINE_NLP_HOME``/``OFFLINE_NLP_PACKAGES``).

The docx has ``--pages`` pages of ~12 paragraphs (runs in bold and italic, a hyperlink,
a table per page); the EPUB ``--chapters`` chapters. The last line is
``overhead_share=X`` (parse + write over total; target below 0.10 with a real model).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from offline_nlp.documents.registry import open_document
from offline_nlp.engine.types import Span, Translation

WORDS = [
    "the",
    "a",
    "house",
    "river",
    "light",
    "morning",
    "people",
    "city",
    "country",
    "garden",
    "table",
    "window",
    "story",
    "question",
    "answer",
    "water",
    "mountain",
    "friend",
    "family",
    "teacher",
    "student",
    "music",
    "picture",
    "kitchen",
    "office",
    "market",
    "walk",
    "read",
    "write",
    "build",
    "carry",
    "open",
    "close",
    "learn",
    "speak",
    "listen",
    "travel",
    "remember",
    "quickly",
    "slowly",
    "today",
    "yesterday",
    "always",
    "never",
    "often",
    "green",
    "blue",
    "small",
    "large",
    "quiet",
    "strong",
    "early",
    "late",
    "happy",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _run(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def make_docx(path: Path, pages: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    body: list[str] = []
    for page in range(pages):
        body.append(
            f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{_run(f"Chapter {page + 1}: " + sentence(rng))}</w:p>'
        )
        for k in range(11):
            text = paragraph(rng)
            if k % 3 == 1:
                words = text.split(" ")
                i = len(words) // 2
                runs = (
                    _run(" ".join(words[:i]) + " ")
                    + _run(words[i], "<w:b/>")
                    + _run(" " + " ".join(words[i + 1 :]))
                )
            elif k % 5 == 2:
                words = text.split(" ")
                link = _run(" ".join(words[3:5]), '<w:rStyle w:val="Hyperlink"/>')
                runs = (
                    _run(" ".join(words[:3]) + " ")
                    + f'<w:hyperlink r:id="rId1">{link}</w:hyperlink>'
                    + _run(" " + " ".join(words[5:]), "<w:i/>")
                )
            else:
                runs = _run(text)
            body.append(f"<w:p>{runs}</w:p>")
        cells = "".join(f"<w:tc><w:p>{_run(sentence(rng))}</w:p></w:tc>" for _ in range(3))
        body.append(f"<w:tbl><w:tblPr/><w:tr>{cells}</w:tr><w:tr>{cells}</w:tr></w:tbl>")
        body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" '
        f'xmlns:r="{R_NS}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.com/" TargetMode="External"/></Relationships>',
        )
        z.writestr("word/document.xml", document)


def make_epub(path: Path, chapters: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    items, spine, nav = [], [], []
    files: dict[str, str] = {}
    for c in range(chapters):
        paras = "\n".join(
            f"<p>{escape(paragraph(rng))} <em>{escape(sentence(rng))}</em></p>" for _ in range(60)
        )
        files[f"OEBPS/ch{c}.xhtml"] = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter {c}</title></head>'
            f"<body><h1>Chapter {c}: {escape(sentence(rng))}</h1>\n{paras}</body></html>"
        )
        items.append(f'<item id="c{c}" href="ch{c}.xhtml" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="c{c}"/>')
        nav.append(f'<li><a href="ch{c}.xhtml">Chapter {c}</a></li>')
    files["OEBPS/nav.xhtml"] = (
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head><body>'
        f'<nav epub:type="toc"><ol>{"".join(nav)}</ol></nav></body></html>'
    )
    files["OEBPS/content.opf"] = (
        '<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">bench</dc:identifier>'
        "<dc:title>A long benchmark book</dc:title><dc:language>en</dc:language></metadata>"
        f'<manifest>{"".join(items)}<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/></manifest>'
        f"<spine>{''.join(spine)}</spine></package>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        for name, data in files.items():
            z.writestr(name, data)


class FakeEngine:
    """Upper-cases word by word with exact alignment; costs almost nothing."""

    def translate_texts(
        self, texts, source, target, options=None, *, align=False, on_progress=None, cancel=None
    ):
        out = []
        for text in texts:
            spans = (
                tuple(
                    Span(m.start(), m.end(), m.start(), m.end())
                    for m in re.finditer(r"\w+|[^\w\s]", text)
                )
                if align
                else ()
            )
            out.append(Translation(text.upper(), alignment=spans))
        return out


def make_engine(kind: str, source: str, target: str, length: int):
    if kind == "fake":
        return FakeEngine(), "en", "xx"
    if kind == "random":
        sys.path.insert(0, str(HERE))  # bench/translate.py's model and fixed-length decoding
        import common
        import fixed_length

        from offline_nlp.engine import EngineConfig

        fixed_length.install(length)
        return (
            common.single_package_engine(common.model_package(), EngineConfig()),
            "en",
            "xx",
        )
    from offline_nlp.engine import Engine
    from offline_nlp.packages import PackageManager
    from offline_nlp.paths import AppPaths

    return Engine(PackageManager(AppPaths.from_env())), source, target


def bench_one(path: Path, engine, source: str, target: str, out: Path) -> dict[str, float]:
    from offline_nlp.engine.types import TranslationOptions

    t0 = time.perf_counter()
    doc = open_document(path)
    segs = doc.segments()
    t1 = time.perf_counter()
    texts = list(dict.fromkeys(s.text for s in segs))
    translations = engine.translate_texts(
        texts,
        source,
        target,
        TranslationOptions(use_cache=False),
        align=any(s.needs_alignment for s in segs),
    )
    t2 = time.perf_counter()
    by_text = dict(zip(texts, translations, strict=True))
    with out.open("wb") as fh:
        doc.write(fh, [by_text[s.text] for s in segs])
    t3 = time.perf_counter()
    return {"segments": len(segs), "parse": t1 - t0, "engine": t2 - t1, "write": t3 - t2}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=["fake", "random", "packages"], default="fake")
    parser.add_argument("--pages", type=int, default=300, help="docx pages (default 300)")
    parser.add_argument("--chapters", type=int, default=20, help="EPUB chapters (default 20)")
    parser.add_argument(
        "--length", type=int, default=30, help="tokens per sentence for --engine random"
    )
    parser.add_argument("--from", dest="source", default="en")
    parser.add_argument("--to", dest="target", default="de")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: it runs, no figures")
    args = parser.parse_args(argv)
    if args.smoke:
        args.pages, args.chapters = 2, 2
    engine, source, target = make_engine(args.engine, args.source, args.target, args.length)
    totals = {"parse": 0.0, "engine": 0.0, "write": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx_path, epub_path = work / "big.docx", work / "book.epub"
        make_docx(docx_path, args.pages)
        make_epub(epub_path, args.chapters)
        for label, path in (("docx", docx_path), ("epub", epub_path)):
            r = bench_one(path, engine, source, target, work / f"out{path.suffix}")
            for k in totals:
                totals[k] += r[k]
            size = path.stat().st_size / 1e6
            print(
                f"{label}: {path.name} {size:.1f} MB, {r['segments']} segments: parse {r['parse']:.2f}s, "
                f"engine {r['engine']:.2f}s, write {r['write']:.2f}s"
            )
    total = sum(totals.values())
    share = (totals["parse"] + totals["write"]) / total if total else 0.0
    print(
        f"engine={args.engine} parse={totals['parse']:.2f}s engine={totals['engine']:.2f}s "
        f"write={totals['write']:.2f}s total={total:.2f}s"
    )
    print(f"overhead_share={share:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
