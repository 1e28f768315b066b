"""A hostile index and a misbehaving server: links to other schemes, endless or deeply
nested indexes, cut-off and trickling downloads. Each ends in one line, exit 1, nothing
written outside the app's folders, and a partial download that can resume."""

from __future__ import annotations

import base64
import json
import sys

import pytest
from hostile_kit import World, build_package, entry, one_line_error
from hostileserver import Route

from offline_nlp.errors import PackageDownloadError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def publish(state, base: str, entries: list[dict[str, object]]) -> str:  # type: ignore[no-untyped-def]
    state.routes["/index.json"] = Route(json.dumps(entries).encode())
    return f"{base}/index.json"


@pytest.mark.parametrize("scheme", ["file", "data"])
def test_index_links_to_other_schemes_are_never_followed(
        world: World, capsys, hostile_server, scheme: str) -> None:
    """A valid package reachable by file: or data: must not be installed from an index."""
    state, base = hostile_server
    package = build_package(world.root / "pkg.argosmodel")
    link = (package.as_uri() if scheme == "file" else
            "data:application/zip;base64," + base64.b64encode(package.read_bytes()).decode())
    url = publish(state, base, [{**entry(base, "/x"), "links": [link]}])
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "--index-url", url, "packages", "install", "--force",
                                 "translate-en_xl")
    assert "no http(s) download link" in one_line_error(code, err)
    assert not (world.packages / "translate-en_xl").exists()


def test_a_redirect_to_another_scheme_is_refused(world: World, capsys, hostile_server) -> None:
    state, base = hostile_server
    package = build_package(world.root / "pkg.argosmodel")
    state.routes["/f.argosmodel"] = Route(mode="redirect", target=package.as_uri())
    state.routes["/p.argosmodel"] = Route(mode="redirect", target="ftp://127.0.0.1:9/p.argosmodel")
    for path in ("/p.argosmodel", "/f.argosmodel"):
        state.routes[f"/index{path}.json"] = Route(json.dumps([entry(base, path)]).encode())
        url = f"{base}/index{path}.json"
        with world.unchanged_outside():
            code, _, err = world.cli(capsys, "--index-url", url, "packages", "install", "--force",
                                     "translate-en_xl")
        message = one_line_error(code, err)
        assert "not allowed" in message or "only http and https are followed" in message
        assert not (world.packages / "translate-en_xl").exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "data:,hello", "ftp://127.0.0.1/x"])
def test_the_user_gives_a_path_not_a_file_url(world: World, capsys, url: str) -> None:
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "packages", "install", "--force", url)
    assert "only http:// and https://" in one_line_error(code, err)


@pytest.mark.parametrize("tail", ["/.", "/.."])
def test_a_url_ending_in_dots_cannot_write_outside_the_downloads(
        world: World, capsys, hostile_server, tail: str) -> None:
    state, base = hostile_server
    state.routes[f"/deep/pkg{tail}"] = Route(build_package(world.root / "p.argosmodel").read_bytes())
    with world.unchanged_outside():
        code, out, err = world.cli(capsys, "packages", "install", "--force", f"{base}/deep/pkg{tail}")
    assert code == 0, err
    assert (world.packages / "translate-en_xl").is_dir()
    assert sorted(p.name for p in world.home.joinpath("cache").iterdir()
                  if p.suffix == ".part" or p.is_dir()) == ["downloads"]


def test_an_endless_index_is_cut_at_a_few_megabytes(world: World, capsys, hostile_server) -> None:
    state, base = hostile_server
    state.routes["/index.json"] = Route(mode="endless")
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "--index-url", f"{base}/index.json",
                                 "packages", "available")
    assert "larger than 8 MB" in one_line_error(code, err)


def test_a_deeply_nested_index_is_one_line(world: World, capsys, hostile_server) -> None:
    state, base = hostile_server
    depth = sys.getrecursionlimit() * 20
    state.routes["/index.json"] = Route(b"[" * depth + b"]" * depth)
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "--index-url", f"{base}/index.json",
                                 "packages", "available")
    assert "nested too deeply" in one_line_error(code, err)


def test_the_cached_index_belongs_to_its_url(world: World, capsys, hostile_server) -> None:
    """Caching index A, then asking for index B, must never offer (or install) A's links."""
    state, base = hostile_server
    url_a = publish(state, base, [entry(base, "/a.argosmodel")])
    assert world.cli(capsys, "--index-url", url_a, "packages", "available")[0] == 0
    state.routes["/b.json"] = Route(json.dumps(
        [entry(base, "/b.argosmodel", code="translate-xl_en", from_code="xl", to_code="en")]
    ).encode())
    code, out, err = world.cli(capsys, "--index-url", f"{base}/b.json", "packages", "available")
    assert code == 0, err
    assert "translate-xl_en" in out and "translate-en_xl" not in out
    code, out, err = world.cli(capsys, "--index-url", url_a, "packages", "available")
    assert "translate-en_xl" in out and "translate-xl_en" not in out


@pytest.mark.parametrize("mode", ["chunked_cut", "no_length_cut"])
def test_a_cut_off_download_is_one_line_and_resumes(
        world: World, capsys, hostile_server, mode: str) -> None:
    state, base = hostile_server
    body = build_package(world.root / "p.argosmodel", files={"model/model.bin": bytes(range(256)) * 400}).read_bytes()
    state.routes["/p.argosmodel"] = Route(body, mode=mode, once=True)
    url = publish(state, base, [entry(base, "/p.argosmodel")])
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "--index-url", url, "packages", "install", "--force",
                                 "translate-en_xl")
    assert "run the same command again to resume" in one_line_error(code, err)
    (part,) = world.downloads.glob("*.part")
    assert 0 < part.stat().st_size < len(body)
    code, out, err = world.cli(capsys, "--index-url", url, "packages", "install", "--force", "translate-en_xl")
    assert code == 0, err
    assert state.requests[-1][1] == f"bytes={part.stat().st_size if part.exists() else len(body) // 2}-"


def test_a_trickling_server_is_given_up_on(app_paths: AppPaths, hostile_server, tmp_path) -> None:
    from offline_nlp.packages.download import Limits

    state, base = hostile_server
    body = build_package(tmp_path / "p.argosmodel").read_bytes()
    state.routes["/p.argosmodel"] = Route(body, mode="trickle")
    url = publish(state, base, [entry(base, "/p.argosmodel")])
    manager = PackageManager(app_paths, url, limits=Limits(stall=2, min_rate=1000, rate_window=0.2))
    with pytest.raises(PackageDownloadError, match="too slow .* run the same command again"):
        manager.install(manager.find_available("translate-en_xl"))
    assert manager.installed() == []
    assert list(app_paths.downloads.glob("*.part")), "what arrived is kept for resuming"


@pytest.mark.parametrize("mode", ["endless", "whole"])
def test_a_download_larger_than_any_package_is_refused(
        app_paths: AppPaths, hostile_server, mode: str) -> None:
    """An endless body (no length) or a declared huge one must not fill the disk."""
    from offline_nlp.packages.download import Limits

    state, base = hostile_server
    state.routes["/p.argosmodel"] = Route(bytes(3 * 1024**2), mode=mode)
    url = publish(state, base, [entry(base, "/p.argosmodel")])
    manager = PackageManager(app_paths, url, limits=Limits(max_bytes=1024**2))
    with pytest.raises(PackageDownloadError, match="larger than 1 MB; no package is that large"):
        manager.install(manager.find_available("translate-en_xl"))
    assert list(app_paths.downloads.glob("*.part")) == []


def test_an_index_is_read_from_a_path_or_a_file_url(world: World, capsys,
                                                    hostile_server) -> None:
    """An index the user names may be a local file, as a path or a file: URL (a saved
    index works offline); file: links inside an index stay refused (see above)."""
    state, base = hostile_server
    saved = world.root / "saved-index.json"
    saved.write_text(json.dumps([entry(base, "/p.argosmodel")]))
    code, out, err = world.cli(capsys, "--index-url", str(saved), "packages", "available")
    assert code == 0 and "translate-en_xl" in out, err
    code, out, err = world.cli(capsys, "--index-url", saved.as_uri(), "packages", "available",
                               "--refresh")
    assert code == 0 and "translate-en_xl" in out, err
    missing = (world.root / "gone.json").as_uri()
    code, _, err = world.cli(capsys, "--index-url", missing, "packages", "available",
                             "--refresh")
    message = one_line_error(code, err)
    assert "gone.json does not exist" in message and "internet" not in message
