"""Which installed package translates which pair, directly or through English.

A package serves one pair (Argos) or many (a multilingual NLLB, M2M-100 or multi-target
Marian model). A pair goes to one package when any serves it directly, else through
English over two. When several packages serve a pair, the user's choice wins (the
``preferred_models`` setting, ``--model``), then a package made for that one pair, then
ours before argostranslate's, newest version first.
"""

from __future__ import annotations

from dataclasses import dataclass

from offline_nlp.engine.types import Language
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.langtokens import NAMES
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["PIVOT", "Catalogue", "Hop", "Route"]

PIVOT = "en"


@dataclass(frozen=True)
class Hop:
    """One package translating one of its pairs."""

    package: InstalledPackage
    source: str
    target: str


@dataclass(frozen=True)
class Route:
    """The hops a pair goes through: one, or two through English."""

    hops: tuple[Hop, ...]

    @property
    def packages(self) -> tuple[InstalledPackage, ...]:
        return tuple(hop.package for hop in self.hops)

    @property
    def pivot(self) -> str | None:
        return self.hops[0].target if len(self.hops) == 2 else None


def _order(found: list[InstalledPackage], preferred: tuple[str, ...]) -> list[InstalledPackage]:
    """Packages in the order they get a pair several serve (stable sorts, last key first)."""
    found = sorted(found, key=lambda p: p.info.version, reverse=True)
    found.sort(key=lambda p: p.read_only)
    found.sort(key=lambda p: p.info.multilingual)  # a one-pair package was chosen for it
    rank = {code: index for index, code in enumerate(preferred)}
    found.sort(key=lambda p: rank.get(p.info.code, len(rank)))
    return found


@dataclass(frozen=True)
class Catalogue:
    """What the installed translation packages offer, derived once per installed set."""

    installed: tuple[InstalledPackage, ...]
    direct: dict[tuple[str, str], InstalledPackage]
    routes: dict[tuple[str, str], Route]
    languages: tuple[Language, ...]
    names: dict[str, str]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.names)

    @classmethod
    def build(cls, installed: tuple[InstalledPackage, ...],
              preferred: tuple[str, ...] = ()) -> Catalogue:
        found = _order([p for p in installed if p.info.type == "translate"], preferred)
        direct: dict[tuple[str, str], InstalledPackage] = {}
        names: dict[str, str] = {}
        for package in found:
            for pair in package.info.pairs():
                direct.setdefault(pair, package)
                for code in pair:
                    if names.get(code, code) == code:  # the first real name stays
                        names[code] = package.info.language_name(code)
        names = {code: NAMES.get(code, code) if name == code else name
                 for code, name in names.items()}
        routes = {(s, t): Route((Hop(pkg, s, t),)) for (s, t), pkg in direct.items()}
        into = [(tgt, pkg) for (mid, tgt), pkg in direct.items() if mid == PIVOT]
        for (src, mid), first in direct.items():
            if mid != PIVOT:
                continue
            for tgt, second in into:
                if tgt != src and (src, tgt) not in routes:
                    routes[(src, tgt)] = Route((Hop(first, src, mid), Hop(second, mid, tgt)))
        languages = sorted((Language(c, n) for c, n in names.items()), key=lambda l: l.name)
        return cls(installed, direct, routes, tuple(languages), names)

    def route(self, source: str, target: str, model: str = "") -> Route:
        """The route of a pair; ``model``: the code of the package that must serve it
        (directly, or as one hop through English).

        Raises:
            LanguagePairUnavailableError: nothing installed covers the pair, or
                ``model`` is not installed or does not translate it.
        """
        if model:
            return self._route_with(source, target, model)
        route = self.routes.get((source, target))
        if route is not None:
            return route
        available = ", ".join(f"{s}→{t}" for s, t in sorted(self.routes)[:40]) or "none"
        if len(self.routes) > 40:
            available += f" and {len(self.routes) - 40} more"
        raise LanguagePairUnavailableError(
            f"no installed package translates {source} → {target}, directly or through "
            f"English (installed pairs: {available}); install one with "
            f"'offline-nlp packages install {source} {target}'",
            source, target,
        )

    def _route_with(self, source: str, target: str, model: str) -> Route:
        chosen = [p for p in self.installed if p.info.type == "translate"
                  and model in (p.info.code, p.path.name)]
        if not chosen:
            raise LanguagePairUnavailableError(
                f"no installed translation package {model!r}; see 'offline-nlp packages list'",
                source, target)
        package = chosen[0]
        pairs = set(package.info.pairs())
        if (source, target) in pairs:
            return Route((Hop(package, source, target),))
        if (source, PIVOT) in pairs and (PIVOT, target) in self.direct:
            return Route((Hop(package, source, PIVOT),
                          Hop(self.direct[(PIVOT, target)], PIVOT, target)))
        if (PIVOT, target) in pairs and (source, PIVOT) in self.direct:
            return Route((Hop(self.direct[(source, PIVOT)], source, PIVOT),
                          Hop(package, PIVOT, target)))
        raise LanguagePairUnavailableError(
            f"{package.info.code} does not translate {source} → {target}, directly or "
            f"through English (it translates {package.info.title})", source, target)

