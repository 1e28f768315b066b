"""Package metadata from an archive is untrusted: every field is checked before any of
it becomes a folder name, a file name or a language the CLI writes outputs for."""

from __future__ import annotations

import json

import pytest
from hostile_kit import BASE_METADATA, World, build_package, one_line_error

HOSTILE_FIELDS = [
    pytest.param({"code": "manifest.json"}, id="code-manifest.json"),
    pytest.param({"code": ".hidden"}, id="code-hidden"),
    pytest.param({"code": "../../x"}, id="code-parent"),
    pytest.param({"code": "a/b"}, id="code-slash"),
    pytest.param({"to_code": "/../../../x"}, id="to_code-path"),
    pytest.param({"from_code": "en\nxx"}, id="from_code-newline"),
    pytest.param({"from_code": "ENGLISH"}, id="from_code-not-a-code"),
    pytest.param({"package_version": "1.0/../../x"}, id="version-path"),
    pytest.param({"package_version": "latest"}, id="version-word"),
    pytest.param({"from_code": 5}, id="from_code-number"),
    pytest.param({"to_code": ["xl"]}, id="to_code-list"),
    pytest.param({"code": {"a": 1}}, id="code-object"),
    pytest.param({"package_version": ["1.0"]}, id="version-list"),
    pytest.param({"links": "http://example.org/p.argosmodel"}, id="links-string"),
    pytest.param({"size": "big"}, id="size-word"),
    pytest.param({"size": -1}, id="size-negative"),
    pytest.param({"from_name": "x" * 5000}, id="name-huge"),
    pytest.param({"sha256": "not-hex"}, id="sha256-not-hex"),
    pytest.param({"type": "../x"}, id="type-path"),
    pytest.param({"target_prefix": 7}, id="target_prefix-number"),
]


def listed_and_hidden(world: World) -> tuple[set[str], set[str]]:
    if not world.packages.is_dir():
        return set(), set()
    names = {p.name for p in world.packages.iterdir()}
    return ({n for n in names if not n.startswith(".") and n != "manifest.json"},
            {n for n in names if n.startswith(".") and n != ".lock"})


@pytest.mark.parametrize("fields", HOSTILE_FIELDS)
def test_a_hostile_metadata_field_is_one_line_and_installs_nothing(
        world: World, capsys, fields: dict[str, object]) -> None:
    package = build_package(world.root / "bad.argosmodel", fields)
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "packages", "install", "--force", str(package))
    message = one_line_error(code, err)
    assert "metadata" in message
    folders, hidden = listed_and_hidden(world)
    assert folders == set() and hidden == set()


def test_a_package_named_manifest_cannot_break_later_installs(
        world: World, capsys) -> None:
    good = build_package(world.root / "good.argosmodel")
    assert world.cli(capsys, "packages", "install", "--force", str(good))[0] == 0
    manifest = json.loads((world.packages / "manifest.json").read_text())
    bad = build_package(world.root / "bad.argosmodel", {"code": "manifest.json"})
    with world.unchanged_outside():
        one_line_error(*world.cli(capsys, "packages", "install", "--force", str(bad))[::2])
    assert json.loads((world.packages / "manifest.json").read_text()) == manifest
    other = build_package(world.root / "other.argosmodel",
                          {"code": "translate-xl_en", "from_code": "xl", "to_code": "en"})
    assert world.cli(capsys, "packages", "install", "--force", str(other))[0] == 0
    code, out, _ = world.cli(capsys, "packages", "verify")
    assert code == 0 and out.count(": ok") == 2


def test_installed_metadata_is_checked_when_read(world: World, capsys) -> None:
    """A package edited after install (or copied in by hand) is not trusted either."""
    good = build_package(world.root / "good.argosmodel")
    assert world.cli(capsys, "packages", "install", "--force", str(good))[0] == 0
    metadata = world.packages / "translate-en_xl" / "metadata.json"
    metadata.write_text(json.dumps({**json.loads(metadata.read_text()), "to_code": "../../x"}))
    code, out, err = world.cli(capsys, "languages")
    assert code == 0 and "../" not in out
    code, out, err = world.cli(capsys, "packages", "verify")
    assert code == 1
    assert "translate-en_xl: package metadata field to_code" in out


def test_the_strict_schema_accepts_real_packages(world: World, capsys) -> None:
    """Every entry of the real Argos index (96 packages), its ipfs: links left out, a
    region code and a version written as a number are all accepted."""
    from helpers import shared_file

    from offline_nlp.packages.index import parse_index

    raw = shared_file("argos-index", "index.json").read_bytes()
    packages = parse_index(raw, "argos")
    assert len(packages) == len(json.loads(raw)) == 96
    assert all(link.startswith("https://") for p in packages for link in p.links)
    package = build_package(world.root / "pt.argosmodel",
                            {"code": "translate-en_pt_BR", "to_code": "pt_BR",
                             "package_version": 2})
    code, out, err = world.cli(capsys, "packages", "install", "--force", str(package))
    assert code == 0, err
    assert (world.packages / "translate-en_pt_BR").is_dir()




def _raw_package(path, metadata: bytes, extra: int = 0):  # type: ignore[no-untyped-def]
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/metadata.json", metadata)
        archive.writestr("pkg/model/model.bin", b"weights")
        archive.writestr("pkg/sentencepiece.model", b"sp")
        for i in range(extra):
            archive.writestr(f"pkg/stanza/{i}", b"")
    return path


@pytest.mark.parametrize("kind", ["deep", "many-files"])
def test_an_archive_built_to_exhaust_us_is_one_line(world: World, capsys, kind: str) -> None:
    valid = json.dumps(BASE_METADATA).encode()
    metadata = {"deep": b"[" * 100_000 + b"]" * 100_000,
                "many-files": valid}[kind]
    package = _raw_package(world.root / "p.argosmodel", metadata,
                           extra=20_000 if kind == "many-files" else 0)
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "packages", "install", "--force", str(package))
    one_line_error(code, err)
    assert listed_and_hidden(world) == (set(), set())
