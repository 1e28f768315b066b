"""The segment cache keys on the package and the pair: one multilingual package's en→xl
never answers its en→xz, and two packages serving one pair never answer for each other."""

from __future__ import annotations

from pathlib import Path

import synthetic
from kindsfix import NLLB_LANGUAGES, NLLB_ZIP, unzipped

from offline_nlp.engine import Engine, SegmentCache, TranslationOptions
from offline_nlp.engine.models import model_id
from offline_nlp.engine.probe import try_package
from offline_nlp.packages import PackageManager
from offline_nlp.packages.ctmodels import ModelHints
from offline_nlp.paths import AppPaths

# xz into en and into xl: two targets decoded with the same options (an xz target would
# get the CJK repetition guards, whose options alone would change the key)
SENTENCE = synthetic.translate_text("The old house is by the river.", "en", "xz")


def test_cache_entries_per_package_and_pair(kinds_home, tmp_path: Path) -> None:
    cache = SegmentCache(tmp_path / "segments.sqlite3")
    engine = Engine(PackageManager(kinds_home), cache=cache)
    nllb = TranslationOptions(model="nllb-synthetic")
    first = engine.translate(SENTENCE, "xz", "en", nllb)
    after_en = len(cache)
    assert after_en >= 1
    assert engine.translate(SENTENCE, "xz", "xl", nllb) != first  # not the cached English
    after_xl = len(cache)
    assert after_xl > after_en  # same package and sentence, another pair: new entries
    engine.translate(SENTENCE, "xz", "en", TranslationOptions(model="translate-xz_en"))
    assert len(cache) > after_xl  # same pair and sentence, another package: new entries
    total = len(cache)
    engine.models.unload()
    again = Engine(PackageManager(kinds_home), cache=cache)
    assert again.translate(SENTENCE, "xz", "en", nllb) == first
    assert again.models.loaded() == []  # answered from the cache: no model loaded
    assert len(cache) == total


def test_another_model_under_the_same_name_is_not_answered_from_the_cache(
        tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "home").ensure()
    manager = PackageManager(paths, probe=try_package)
    hints = ModelHints(languages=NLLB_LANGUAGES)
    first = manager.install_file(NLLB_ZIP, hints=hints)
    folder = unzipped(NLLB_ZIP, tmp_path / "other")
    weights = folder / "model.bin"
    weights.write_bytes(weights.read_bytes() + b"\0")  # other weights, same name
    second = manager.install_folder(folder, hints=hints, force=True)
    assert first.info.code == second.info.code
    assert model_id(first) != model_id(second)
