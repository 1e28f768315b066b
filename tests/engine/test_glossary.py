"""Glossaries (issue 19, item 4): the user's terms come out exactly as given, where the
source term was, on the word-for-word fixture models; glossary files are untrusted input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import synthetic

from offline_nlp.cli import main
from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.engine.glossary import (
    MAX_TERMS,
    GlossaryError,
    load_glossary,
    parse_glossary,
    parse_glossary_pairs,
)


def en(text: str, target: str) -> str:
    return synthetic.translate_sentence(text, "en", target)


# -- the engine ---------------------------------------------------------------------------

def test_a_term_comes_out_as_given_where_it_was(fixture_engine: Engine) -> None:
    glossary = parse_glossary("teacher,Herr Lehrer\n")
    out = fixture_engine.translate("The teacher went to the river.", "en", "xl",
                                   TranslationOptions(glossary=glossary))
    assert out == f"{en('The', 'xl')} Herr Lehrer {en('went to the river.', 'xl')}"


def test_a_term_in_a_cjk_output_has_no_spaces_around_it(fixture_engine: Engine) -> None:
    glossary = parse_glossary("teacher\tLEHRER\n")  # TSV
    out = fixture_engine.translate("The teacher went to the river.", "en", "xz",
                                   TranslationOptions(glossary=glossary))
    assert out == f"{en('The', 'xz')}LEHRER{en('went to the river.', 'xz')}"


def test_matching_ignores_case_and_the_longest_term_wins(fixture_engine: Engine) -> None:
    glossary = parse_glossary("dog,Hund\nthe dog,el perro\nRIVER,Fluss\n")
    out = fixture_engine.translate("We walk to the River and THE DOG is happy.", "en", "xl",
                                   TranslationOptions(glossary=glossary))
    assert out == (f"{en('We walk to the', 'xl')} Fluss {en('and', 'xl')} el perro "
                   f"{en('is happy.', 'xl')}")


def test_a_term_inside_another_word_is_not_matched(fixture_engine: Engine) -> None:
    # "go" is inside "good": only the word "go" is the term
    glossary = parse_glossary("go,GEHEN\n")
    out = fixture_engine.translate("The food is good and we go home.", "en", "xl",
                                   TranslationOptions(glossary=glossary))
    assert out == f"{en('The food is good and we', 'xl')} GEHEN {en('home.', 'xl')}"


def test_a_cjk_term_matches_inside_a_run_of_characters(fixture_engine: Engine) -> None:
    source = synthetic.translate_text("The teacher went to the river today.", "en", "xz")
    river = en("river", "xz")
    glossary = parse_glossary(f"{river},Rhine\n")
    out = fixture_engine.translate(source, "xz", "en", TranslationOptions(glossary=glossary))
    assert out == "The teacher went to the Rhine today."


def test_only_the_rows_of_the_pair_apply(fixture_engine: Engine) -> None:
    glossary = parse_glossary("teacher,XL-TERM,en,xl\nteacher,XZ-TERM,EN,XZ\n")
    options = TranslationOptions(glossary=glossary)
    assert fixture_engine.translate("The teacher is here.", "en", "xl", options) == \
        f"{en('The', 'xl')} XL-TERM {en('is here.', 'xl')}"
    assert fixture_engine.translate("The teacher is here.", "en", "xz", options) == \
        f"{en('The', 'xz')}XZ-TERM{en('is here.', 'xz')}"


def test_a_term_goes_through_a_pivot_unchanged(fixture_engine: Engine) -> None:
    source = synthetic.translate_text("The teacher went to the river.", "en", "xl")
    glossary = parse_glossary(f"{en('teacher', 'xl')},Maestro\n")
    out = fixture_engine.translate(source, "xl", "xz", TranslationOptions(glossary=glossary))
    assert out == f"{en('The', 'xz')}Maestro{en('went to the river.', 'xz')}"


def test_formatting_follows_the_term(fixture_engine: Engine) -> None:
    source = "The teacher went to the river."
    glossary = parse_glossary("teacher,Herr Lehrer\n")
    result = fixture_engine.translate_texts([source], "en", "xl",
                                            TranslationOptions(glossary=glossary), align=True)[0]
    mapped = {source[s.source_start:s.source_end]: result.text[s.target_start:s.target_end]
              for s in result.alignment}
    assert mapped["teacher"] == "Herr Lehrer"
    assert mapped["river"] == en("river", "xl")


def test_a_url_holding_a_term_stays_whole(fixture_engine: Engine) -> None:
    glossary = parse_glossary("example,BEISPIEL\n")
    out = fixture_engine.translate("The teacher went to https://example.org now.", "en", "xl",
                                   TranslationOptions(glossary=glossary))
    assert "https://example.org" in out and "BEISPIEL" not in out


def test_the_cache_never_answers_for_another_glossary(cached_engine: Engine) -> None:
    text = "The teacher went to the river."
    plain = cached_engine.translate(text, "en", "xl")
    assert plain == synthetic.translate_text(text, "en", "xl")
    first = TranslationOptions(glossary=parse_glossary("teacher,AAA\n"))
    second = TranslationOptions(glossary=parse_glossary("teacher,BBB\n"))
    assert "AAA" in cached_engine.translate(text, "en", "xl", first)
    assert "BBB" in cached_engine.translate(text, "en", "xl", second)
    assert cached_engine.translate(text, "en", "xl") == plain


# -- the file -----------------------------------------------------------------------------

def test_csv_with_quotes_comments_and_a_bom() -> None:
    glossary = parse_glossary('\ufeff# my terms\n\n"New York, NY",Nueva York\nfoo , bar\n')
    assert [(s, t) for s, t, _, _ in glossary.entries] == [("New York, NY", "Nueva York"),
                                                           ("foo", "bar")]


def test_matches_are_on_word_boundaries_and_longest_first() -> None:
    glossary = parse_glossary("new,NEU\nnew york,NY\nyork city,YC\n北京,Beijing\nC++,CPP\n")
    text = "New\nYork city, newer news, new. 在北京大学 C++ code"
    found = [(text[a:b], t) for a, b, t in glossary.matches(text)]
    assert found == [("New\nYork", "NY"), ("new", "NEU"), ("北京", "Beijing"), ("C++", "CPP")]


@pytest.mark.parametrize(("content", "message"), [
    ("a,b\nonly one column\n", "g.csv, line 2: expected 2 columns"),
    ("a,b\nc,d,e\n", "g.csv, line 2: expected 2 columns"),
    ("a,b\n,x\n", "g.csv, line 2: a term is empty"),
    ("dog,Hund\nDOG,chien\n", "g.csv, line 2: 'DOG' is already given as 'Hund' on line 1"),
    ("a,b,english,de\n", "g.csv, line 1: 'english' is not a language code"),
    ('a,"b\n', "g.csv, line 1: unexpected end of data"),
    (f"{'x' * 201},y\n", "g.csv, line 1: a term is longer than 200 characters"),
])
def test_a_bad_line_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "g.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        load_glossary(path)
    assert str(caught.value).startswith(str(tmp_path / message))
    assert "\n" not in str(caught.value)


def test_size_and_rows_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("".join(f"t{i},u{i}\n" for i in range(MAX_TERMS + 1)), encoding="utf-8")
    with pytest.raises(GlossaryError, match="more than 20000 terms"):
        load_glossary(path)
    path.write_bytes(b"a,b\n" * 300_000)
    with pytest.raises(GlossaryError, match="larger than 1024 KiB"):
        load_glossary(path)
    path.write_bytes(b"caf\xe9,cafe\n")
    with pytest.raises(GlossaryError, match="line 1: not UTF-8 text"):
        load_glossary(path)


def test_json_pairs_for_the_server() -> None:
    glossary = parse_glossary_pairs([["dog", "Hund"], ["cat", "Katze", "en", "de"]])
    assert len(glossary) == 2 and len(glossary.for_pair("en", "fr")) == 1
    with pytest.raises(GlossaryError, match="glossary, entry 2: not a list of texts"):
        parse_glossary_pairs([["a", "b"], {"a": "b"}])
    with pytest.raises(GlossaryError, match="must be CSV/TSV text or a list"):
        parse_glossary_pairs(42)


# -- the command line ---------------------------------------------------------------------

@pytest.fixture
def installed(installed_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


@pytest.mark.usefixtures("installed")
def test_translate_takes_a_glossary_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text("teacher,Herr Lehrer\n", encoding="utf-8")
    assert main(["translate", "--from", "en", "--to", "xl", "--glossary", str(terms),
                 "--text", "The teacher went to the river.", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["translation"] == f"{en('The', 'xl')} Herr Lehrer {en('went to the river.', 'xl')}"


@pytest.mark.usefixtures("installed")
def test_a_bad_glossary_is_one_line_and_exit_code_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = tmp_path / "terms.csv"
    terms.write_text("teacher\n", encoding="utf-8")
    assert main(["translate", "--from", "en", "--to", "xl", "--glossary", str(terms),
                 "--text", "The teacher."]) != 0
    err = capsys.readouterr().err.strip()
    assert f"{terms}, line 1: expected 2 columns" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


@pytest.mark.usefixtures("installed")
def test_corpus_takes_a_glossary_and_a_new_glossary_restarts_the_job(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in" / "lines.txt"
    src.parent.mkdir()
    src.write_text("The teacher went to the river.\nWe go home.\n", encoding="utf-8")
    terms = tmp_path / "terms.csv"
    terms.write_text("teacher,Herr Lehrer\n", encoding="utf-8")
    args = ["corpus", "--from", "en", "--to", "xl", "--workers", "1", str(src),
            "-o", str(tmp_path / "out"), "--glossary", str(terms)]
    assert main(args) == 0
    out = tmp_path / "out" / "lines.txt"
    assert out.read_text(encoding="utf-8") == (
        f"{EXPECTED_XL}\n{synthetic.translate_text('We go home.', 'en', 'xl')}\n")
    terms.write_text("teacher,Maestro\n", encoding="utf-8")
    assert main([*args, "--overwrite"]) == 0
    assert "Maestro" in out.read_text(encoding="utf-8")
    capsys.readouterr()


EXPECTED_XL = f"{en('The', 'xl')} Herr Lehrer {en('went to the river.', 'xl')}"
