"""Routing over packages of several kinds: every pair a multilingual package serves is
listed and direct, a direct pair beats a pivot, and the user picks which package serves a
pair when two can (the preferred_models setting, --model). No model is loaded here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offline_nlp.engine import Engine, EngineConfig
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.packages import InstalledPackage

NLLB = {"type": "translate", "kind": "nllb", "code": "nllb-synthetic", "package_version": "1.0",
        "sources": {"en": "eng_Latn", "xl": "xlx_Latn", "xz": "xzx_Hani"},
        "targets": {"en": "eng_Latn", "xl": "xlx_Latn", "xz": "xzx_Hani"},
        "licence": "CC-BY-NC-4.0"}


def argos(pair: str) -> dict[str, object]:
    source, target = pair.split("_")
    return {"type": "translate", "code": f"translate-{pair}", "package_version": "1.0",
            "from_code": source, "to_code": target, "from_name": source, "to_name": target}


class Source:
    def __init__(self, folder: Path, *metadata: dict[str, object]) -> None:
        self.packages = []
        for data in metadata:
            path = folder / str(data["code"])
            path.mkdir()
            (path / "metadata.json").write_text(json.dumps(data))
            self.packages.append(InstalledPackage.load(path))

    def installed(self) -> list[InstalledPackage]:
        return self.packages


def codes(route) -> list[str]:  # type: ignore[no-untyped-def]
    return [hop.package.info.code for hop in route.hops]


def test_a_multilingual_package_serves_every_pair_directly(tmp_path: Path) -> None:
    engine = Engine(Source(tmp_path, NLLB))
    assert sorted(engine.pairs()) == [("en", "xl"), ("en", "xz"), ("xl", "en"), ("xl", "xz"),
                                      ("xz", "en"), ("xz", "xl")]
    route = engine.route("xl", "xz")
    assert route.pivot is None and codes(route) == ["nllb-synthetic"]
    assert (route.hops[0].source, route.hops[0].target) == ("xl", "xz")


def test_a_direct_pair_beats_a_pivot_through_english(tmp_path: Path) -> None:
    engine = Engine(Source(tmp_path, argos("xl_en"), argos("en_xz"), NLLB))
    assert engine.route("xl", "xz").pivot is None
    assert codes(engine.route("xl", "xz")) == ["nllb-synthetic"]
    # without the multilingual package the same pair goes through English
    (tmp_path / "argos").mkdir()
    alone = Source(tmp_path / "argos", argos("xl_en"), argos("en_xz"))
    assert Engine(alone).route("xl", "xz").pivot == "en"


def test_a_one_pair_package_serves_its_pair_unless_the_user_prefers_another(tmp_path: Path) -> None:
    source = Source(tmp_path, argos("en_xl"), NLLB)
    assert codes(Engine(source).route("en", "xl")) == ["translate-en_xl"]
    preferred = Engine(source, EngineConfig(preferred_models=("nllb-synthetic",)))
    assert codes(preferred.route("en", "xl")) == ["nllb-synthetic"]
    assert codes(Engine(source).route("en", "xl", "nllb-synthetic")) == ["nllb-synthetic"]
    assert codes(preferred.route("en", "xl", "translate-en_xl")) == ["translate-en_xl"]


def test_model_that_cannot_serve_the_pair_is_one_clear_error(tmp_path: Path) -> None:
    engine = Engine(Source(tmp_path, argos("en_xl"), NLLB))
    with pytest.raises(LanguagePairUnavailableError, match="translate-en_xl does not translate xl → xz"):
        engine.route("xl", "xz", "translate-en_xl")
    with pytest.raises(LanguagePairUnavailableError, match="no installed translation package 'nope'"):
        engine.route("en", "xl", "nope")


def test_model_may_serve_one_hop_of_a_pivot(tmp_path: Path) -> None:
    engine = Engine(Source(tmp_path, argos("xl_en"), argos("en_xz"), NLLB))
    route = engine.route("xl", "xz", "translate-xl_en")
    assert route.pivot == "en" and codes(route) == ["translate-xl_en", "translate-en_xz"]


def test_languages_of_a_multilingual_package_are_named(tmp_path: Path) -> None:
    data = dict(NLLB, sources={"en": "eng_Latn", "zh": "zho_Hans", "zt": "zho_Hant"},
                targets={"en": "eng_Latn", "zh": "zho_Hans", "zt": "zho_Hant"})
    engine = Engine(Source(tmp_path, data))
    names = {language.code: language.name for language in engine.languages()}
    assert names == {"en": "English", "zh": "Chinese", "zt": "Chinese (Traditional)"}
    assert engine.canonical("zh-TW") == "zt" and engine.canonical("zh-Hans") == "zh"


def test_a_script_qualified_code_of_a_model_is_kept(tmp_path: Path) -> None:
    data = dict(NLLB, sources={"en": "eng_Latn", "ace": "ace_Latn", "ace_Arab": "ace_Arab"},
                targets={"en": "eng_Latn", "ace": "ace_Latn", "ace_Arab": "ace_Arab"})
    engine = Engine(Source(tmp_path, data))
    assert engine.canonical("ace_Arab") == "ace_Arab" and engine.canonical("ACE") == "ace"
    assert engine.route("en", "ace_Arab").hops[0].target == "ace_Arab"


def test_the_preferred_models_setting_reaches_the_engine(tmp_path: Path) -> None:
    from offline_nlp.settings import load_settings

    settings_file = tmp_path / "settings.json"
    settings_file.write_text(json.dumps({"preferred_models": ["nllb-synthetic"]}))
    config = load_settings(settings_file).engine_config()
    assert config.preferred_models == ("nllb-synthetic",)
    (tmp_path / "pkgs").mkdir()
    source = Source(tmp_path / "pkgs", argos("en_xl"), NLLB)
    assert codes(Engine(source, config).route("en", "xl")) == ["nllb-synthetic"]


def test_choices_list_the_pairs_several_packages_serve_and_a_pair_choice_wins_there_only(
        tmp_path: Path) -> None:
    from offline_nlp.engine.routing import pair_choice, with_pair_choice

    source = Source(tmp_path, argos("en_xl"), argos("xl_en"), NLLB)
    choices = {pair: [p.info.code for p in packages]
               for pair, packages in Engine(source).choices().items()}
    assert choices == {("en", "xl"): ["translate-en_xl", "nllb-synthetic"],
                       ("xl", "en"): ["translate-xl_en", "nllb-synthetic"]}
    preferred = with_pair_choice((), "en", "xl", "nllb-synthetic")
    assert preferred == ("en>xl=nllb-synthetic",)
    assert pair_choice(preferred, "en", "xl") == "nllb-synthetic"
    engine = Engine(source, EngineConfig(preferred_models=preferred))
    assert codes(engine.route("en", "xl")) == ["nllb-synthetic"]
    assert codes(engine.route("xl", "en")) == ["translate-xl_en"]   # not chosen there
    assert with_pair_choice(preferred, "en", "xl", "") == ()          # automatic again
    # a choice of a package that is gone falls back to the automatic one
    gone = Engine(source, EngineConfig(preferred_models=("en>xl=removed",)))
    assert codes(gone.route("en", "xl")) == ["translate-en_xl"]
