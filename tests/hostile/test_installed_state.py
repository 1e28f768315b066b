"""The packages folder under faults: a garbage model, a zip bomb, damaged metadata or
manifest, parallel installs from several processes, leftovers of a killed process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import filelock
import pytest
from hostile_kit import World, build_package, one_line_error
from helpers import fixture_package

from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def install(world: World, capsys, package) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    return world.cli(capsys, "packages", "install", "--force", str(package))


def test_a_garbage_model_never_replaces_a_working_one(world: World, capsys) -> None:
    assert install(world, capsys, fixture_package("en_xl"))[0] == 0
    before = world.cli(capsys, "translate", "--from", "en", "--to", "xl", "--no-cache",
                       "--text", "The house is old.")
    assert before[0] == 0
    garbage = build_package(world.root / "new.argosmodel", {"package_version": "1.1"},
                            top="translate-en_xl-1_1")
    with world.unchanged_outside():
        code, _, err = install(world, capsys, garbage)
    message = one_line_error(code, err)
    assert "does not work" in message and "the installed version was kept" in message
    after = world.cli(capsys, "translate", "--from", "en", "--to", "xl", "--no-cache",
                      "--text", "The house is old.")
    assert after == before
    assert [p.name for p in world.packages.iterdir() if p.name.startswith(".staging")] == []
    # a new version that does work replaces it
    newer = build_package(world.root / "new.argosmodel", {"package_version": "1.1"},
                          real_model=True)
    code, out, err = install(world, capsys, newer)
    assert code == 0, err
    assert "1.1" in world.cli(capsys, "packages", "list")[1]


def test_a_zip_bomb_is_refused_by_its_compression_ratio(world: World, capsys) -> None:
    bomb = build_package(world.root / "bomb.argosmodel",
                         files={"model/model.bin": bytes(64 * 1024**2)})
    assert bomb.stat().st_size < 1024**2
    with world.unchanged_outside():
        code, _, err = install(world, capsys, bomb)
    assert "zip bomb" in one_line_error(code, err)
    assert not world.packages.exists() or [p.name for p in world.packages.iterdir()
                                           if p.name not in (".lock",)] == []


def test_verify_reports_a_corrupt_metadata_file(world: World, capsys) -> None:
    assert install(world, capsys, build_package(world.root / "p.argosmodel"))[0] == 0
    (world.packages / "translate-en_xl" / "metadata.json").write_text("{not json")
    code, out, err = world.cli(capsys, "packages", "verify")
    assert code == 1
    assert out.startswith("translate-en_xl: cannot read") and out.count("\n") == 1


@pytest.mark.parametrize("entry", ["just a string", {"code": "translate-en_xl"},
                                   {"files": ["model/model.bin"]}])
def test_verify_reports_a_malformed_manifest_entry(world: World, capsys, entry) -> None:  # type: ignore[no-untyped-def]
    assert install(world, capsys, build_package(world.root / "p.argosmodel"))[0] == 0
    manifest = world.packages / "manifest.json"
    data = json.loads(manifest.read_text())
    data["translate-en_xl"] = entry
    manifest.write_text(json.dumps(data))
    code, out, err = world.cli(capsys, "packages", "verify")
    assert code == 1, out + err
    assert "Traceback" not in err
    assert out.count("\n") == 1 and out.startswith("translate-en_xl: ")


def test_verify_reports_extra_files(world: World, capsys) -> None:
    assert install(world, capsys, build_package(world.root / "p.argosmodel"))[0] == 0
    (world.packages / "translate-en_xl" / "model" / "injected.so").write_bytes(b"x")
    code, out, _ = world.cli(capsys, "packages", "verify")
    assert code == 1
    assert "model/injected.so is an extra file" in out


def test_three_installs_in_parallel_processes_keep_every_manifest_entry(world: World) -> None:
    """Each process reads, changes and writes the manifest: without a lock across
    processes, entries were lost in 8 of 10 trials. Three rounds, nine processes."""
    pairs = [("en", "xl"), ("xl", "en"), ("en", "xz")]
    env = {**os.environ, "OFFLINE_NLP_HOME": str(world.home)}
    for round_ in range(3):
        home = world.root / f"home{round_}"
        env["OFFLINE_NLP_HOME"] = str(home)
        archives = [build_package(world.root / f"{a}_{b}-{round_}.argosmodel",
                                  {"code": f"translate-{a}_{b}", "from_code": a, "to_code": b})
                    for a, b in pairs]
        runs = [subprocess.Popen([sys.executable, "-m", "offline_nlp", "packages", "install", "--force",
                                  str(archive)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) for archive in archives]
        results = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], results
        manifest = json.loads((home / "data" / "packages" / "manifest.json").read_text())
        assert sorted(manifest) == ["translate-en_xl", "translate-en_xz", "translate-xl_en"]


def test_leftovers_of_a_killed_install_are_cleared_at_start(world: World, capsys) -> None:
    paths = AppPaths.under(world.home).ensure()
    staging = paths.packages / ".staging-0123abcd"
    (staging / "model").mkdir(parents=True)
    (staging / "model" / "model.bin").write_bytes(b"half of a model")
    old_part = paths.downloads / "translate-en_de-1_0.argosmodel.part"
    old_part.write_bytes(b"a month old")
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(old_part, (month_ago, month_ago))
    fresh_part = paths.downloads / "translate-en_fr-1_0.argosmodel.part"
    fresh_part.write_bytes(b"still resumable")

    with filelock.FileLock(paths.packages / ".lock"):  # another process is installing
        PackageManager(paths)
        assert staging.exists(), "a staging folder in use by another process is left alone"

    assert world.cli(capsys, "packages", "list")[0] == 0
    assert not staging.exists() and not old_part.exists()
    assert fresh_part.exists(), "a recent partial download is kept for resuming"


def test_a_killed_job_leaves_no_stale_part_file_for_ever(world: World, capsys,
                                                         installed_home: AppPaths,
                                                         monkeypatch) -> None:
    """kill -9 while writing notes.xl.txt left .notes.xl.txt.abc.part; the next run clears
    it, and a fresh one (another process writing now) is left alone."""
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    folder = world.root / "docs"
    folder.mkdir()
    (folder / "notes.txt").write_text("The house is old.\n")
    stale = folder / ".notes.xl.txt.k1ll3d.part"
    stale.write_bytes(b"half a translation")
    hour_ago = time.time() - 2 * 3600
    os.utime(stale, (hour_ago, hour_ago))
    fresh = folder / ".notes.xl.txt.w0rk1n.part"
    fresh.write_bytes(b"being written right now")
    code, _, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl",
                             str(folder / "notes.txt"))
    assert code == 0, err
    assert (folder / "notes.xl.txt").exists()
    assert not stale.exists() and fresh.exists()
