"""Thread settings never oversubscribe the cores; presets and settings validate."""

from __future__ import annotations

import json

import pytest

from offline_nlp.engine import EngineConfig, TranslationOptions
from offline_nlp.errors import SettingsError
from offline_nlp.settings import Settings, load_settings, save_settings


@pytest.mark.parametrize("cores, expected", [(1, (1, 1)), (2, (2, 1)), (4, (2, 2)), (16, (8, 2))])
def test_default_threads_use_every_core_once(monkeypatch, cores: int, expected) -> None:
    monkeypatch.setattr("offline_nlp.engine.types.usable_cores", lambda: cores)
    assert EngineConfig().threads() == expected


def test_explicit_threads_are_respected(monkeypatch) -> None:
    monkeypatch.setattr("offline_nlp.engine.types.usable_cores", lambda: 8)
    assert EngineConfig(cpu_threads=4).threads() == (2, 4)
    assert EngineConfig(parallel_jobs=1).threads() == (1, 8)


def test_presets_by_name() -> None:
    assert TranslationOptions.preset("fast").beam_size == 1
    assert TranslationOptions.preset("quality").beam_size == 4
    with pytest.raises(ValueError, match="expected one of: quality, balanced, fast"):
        TranslationOptions.preset("turbo")


def test_settings_round_trip_and_keep_unknown_keys(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"preset": "fast", "future_option": 3}))
    settings = load_settings(path)
    assert settings.preset == "fast" and settings.extra == {"future_option": 3}
    save_settings(settings, path)
    assert json.loads(path.read_text())["future_option"] == 3


def test_bad_settings_name_the_value_and_the_choices(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"device": "tpu"}))
    with pytest.raises(SettingsError, match="'tpu' is not one of: cpu, cuda, auto"):
        load_settings(path)


def test_missing_settings_file_gives_defaults(tmp_path) -> None:
    assert load_settings(tmp_path / "none.json") == Settings()
