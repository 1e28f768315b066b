"""``offline-nlp doctor``: versions, folders, packages and hardware, as text and JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpers import make_archive

from offline_nlp._version import __version__
from offline_nlp.cli import main
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def test_doctor_json_reports_versions_folders_and_hardware(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"versions", "platform", "folders", "packages", "max_loaded_models",
                           "hardware", "desktop"}
    assert report["versions"]["offline-nlp"] == __version__
    assert report["versions"]["ctranslate2"] and report["versions"]["sentencepiece"]
    assert {"PySide6", "language_detector", "python"} <= set(report["versions"])
    home = Path(os.environ["OFFLINE_NLP_HOME"])
    assert report["folders"]["packages"] == str(home / "data" / "packages")
    assert report["packages"] == []
    hardware = report["hardware"]
    assert isinstance(hardware["cuda_usable"], bool)
    assert hardware["cpu_cores"] >= 1 and "float32" in hardware["cpu_compute_types"]
    assert not (home / "cache").exists()  # doctor looks, it does not create


def test_doctor_lists_installed_packages_with_size(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    paths = AppPaths.under(tmp_path / "home").ensure()
    PackageManager(paths).install_file(make_archive(tmp_path / "en_xl.argosmodel", version="1.2"))
    assert main(["--packages-dir", str(paths.packages), "doctor", "--json"]) == 0
    (package,) = json.loads(capsys.readouterr().out)["packages"]
    assert package["code"] == "translate-en_xl" and package["pair"] == "en→xl"
    assert package["version"] == "1.2" and package["size_bytes"] > 0

    assert main(["--packages-dir", str(paths.packages), "doctor"]) == 0
    text = capsys.readouterr().out
    assert "installed packages: 1" in text and "translate-en_xl" in text and "en→xl" in text
    assert f"packages           {paths.packages}" in text
    assert "GPU usable" in text and "CPU compute types" in text


def test_doctor_without_packages_says_how_to_install_one(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["doctor"]) == 0
    assert "installed packages: none (install one with 'offline-nlp packages install" in (
        capsys.readouterr().out)
