"""Which packages translate a pair: direct first, else through English; ours before argos's."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_nlp.engine import Engine
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.packages import InstalledPackage, PackageInfo


def package(pair: str, version: str = "1.0", read_only: bool = False) -> InstalledPackage:
    source, target = pair.split("_")
    info = PackageInfo.from_json({"from_code": source, "to_code": target,
                                  "package_version": version})
    return InstalledPackage(info, Path(f"/pk/{pair}-{version}-{read_only}"), read_only)


class Source:
    def __init__(self, *packages: InstalledPackage) -> None:
        self.packages = list(packages)

    def installed(self) -> list[InstalledPackage]:
        return self.packages


def test_direct_pairs_and_routes_through_english() -> None:
    engine = Engine(Source(package("de_en"), package("en_ja"), package("ja_en")))
    routes = engine.pairs()
    assert routes[("de", "ja")].pivot == "en"
    assert [p.info.code for p in routes[("de", "ja")].packages] == ["translate-de_en", "translate-en_ja"]
    assert routes[("ja", "en")].pivot is None
    assert ("de", "de") not in routes and ("ja", "de") not in routes


def test_our_newest_package_wins_over_argostranslates() -> None:
    engine = Engine(Source(package("en_de", "1.9", read_only=True), package("en_de", "1.2"),
                           package("en_de", "1.10")))
    chosen = engine.route("en", "de").packages[0]
    assert (chosen.info.package_version, chosen.read_only) == ("1.10", False)


def test_codes_outside_iso_are_fine_and_unknown_pairs_are_explained() -> None:
    engine = Engine(Source(package("en_zt"), package("pb_en")))
    assert engine.route("pb", "zt").pivot == "en"
    with pytest.raises(LanguagePairUnavailableError) as error:
        engine.route("zt", "pb")
    assert error.value.source == "zt" and "en→zt, pb→en, pb→zt" in str(error.value)
