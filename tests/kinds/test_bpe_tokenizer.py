"""BPE Argos packages (bpe.model, Moses tokenising) load instead of being refused, and
tokenise as argostranslate 1.11 does (make parity checks whole translations)."""

from __future__ import annotations

import json
from pathlib import Path

from offline_nlp.engine.kinds import load_tokenizer, tokenizer_files
from offline_nlp.engine.tokenization import BPETokenizer, piece_spans
from offline_nlp.packages import InstalledPackage

CODES = "#version: 0.2\nh o\nho u\nhou s\nhous e</w>\nw e</w>\ng o</w>\n"


def bpe_package(folder: Path) -> InstalledPackage:
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps(
        {"type": "translate", "code": "translate-en_xl-bpe", "from_code": "en", "to_code": "xl"}))
    (folder / "bpe.model").write_text(CODES, encoding="utf-8")
    return InstalledPackage.load(folder)


def test_a_bpe_package_is_read_with_moses_and_its_codes(tmp_path: Path) -> None:
    package = bpe_package(tmp_path / "pkg")
    assert package.kind == "argos-bpe"
    assert tokenizer_files(package) == ("bpe", (package.path / "bpe.model",))
    tokenizer = load_tokenizer(package)
    pieces = tokenizer.encode(["We go to the house's door & back."])[0]
    assert pieces == ["W@@", "e", "go", "t@@", "o", "t@@", "h@@", "e", "house", "&@@", "a@@",
                      "p@@", "o@@", "s@@", ";@@", "s", "d@@", "o@@", "o@@", "r", "&@@", "a@@",
                      "m@@", "p@@", ";", "b@@", "a@@", "c@@", "k", "."]
    # Moses detokenises by the target language's rules, as argostranslate does (not en's)
    assert tokenizer.decode(pieces) == "We go to the house 's door & back."


def test_bpe_pieces_line_up_with_the_text_for_alignment(tmp_path: Path) -> None:
    tokenizer = load_tokenizer(bpe_package(tmp_path / "pkg"))
    text = "We go to the house's door & back."
    pieces = tokenizer.encode([text])[0]
    spans = piece_spans(text, tokenizer.word_pieces(pieces))  # type: ignore[attr-defined]
    assert spans is not None
    assert [text[a:b] for a, b in spans if b > a] == [
        "W", "e", "go", "t", "o", "t", "h", "e", "house", "'s", "d", "o", "o", "r", "&",
        "b", "a", "c", "k", "."]


def test_a_moses_detokenised_output_is_aligned_word_by_word() -> None:
    from offline_nlp.engine.alignment import align_sentence

    source, target = "We go home.", "Tape geme sasori."
    source_pieces = BPETokenizer.word_pieces(["W@@", "e", "go", "home", "."])
    target_pieces = BPETokenizer.word_pieces(["Ta@@", "pe", "geme", "sas@@", "ori", "."])
    # each target piece attends to the source word it translates
    attention = [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0],
                 [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]
    assert align_sentence(source, source_pieces, target, target_pieces, attention) is None
    rows = align_sentence(source, source_pieces, target, target_pieces, attention,
                          detokenized=True)
    assert [(source[a:b], target[c:d]) for a, b, c, d in rows] == [
        ("We", "Tape"), ("go", "geme"), ("home", "sasori"), (".", ".")]
