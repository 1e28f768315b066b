"""Which installed package translates which pair, directly or through English.

A package serves one pair (Argos) or many (a multilingual NLLB, M2M-100 or multi-target
Marian model). A pair goes to one package when any serves it directly, else through
English over two. When several packages serve a pair, the user's choice wins (the
``preferred_models`` setting, ``--model``), then a package made for that one pair, then
ours before argostranslate's, newest version first.

``preferred_models`` holds package codes (preferred for every pair they serve) and
per-pair choices written ``en>xl=nllb-200`` (the desktop app's "Model for en → xl"):
a per-pair choice wins over the codes for its pair only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from offline_nlp.engine.types import Language
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.langtokens import NAMES
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["PIVOT", "Catalogue", "Hop", "Route", "pair_choice", "with_pair_choice"]

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


def _pair_prefix(source: str, target: str) -> str:
    return f"{source}>{target}="


def pair_choice(preferred: tuple[str, ...], source: str, target: str) -> str:
    """The package code chosen for one pair in ``preferred`` (``en>xl=code``), or ""."""
    return _pair_choices(preferred).get((source, target), "")


def with_pair_choice(preferred: tuple[str, ...], source: str, target: str,
                     code: str) -> tuple[str, ...]:
    """``preferred`` with the choice for one pair set to ``code`` ("": automatic again)."""
    prefix = _pair_prefix(source, target)
    kept = tuple(entry for entry in preferred if not entry.startswith(prefix))
    return kept + ((prefix + code,) if code else ())


def _order(found: list[InstalledPackage], preferred: tuple[str, ...]) -> list[InstalledPackage]:
    """Packages in the order they get a pair several serve (stable sorts, last key first)."""
    found = sorted(found, key=lambda p: p.info.version, reverse=True)
    found.sort(key=lambda p: p.read_only)
    found.sort(key=lambda p: p.info.multilingual)  # a one-pair package was chosen for it
    rank = {code: index for index, code in enumerate(c for c in preferred if "=" not in c)}
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
    #: Every package that serves each pair directly, in the order they get it when
    #: the user chose none for that pair.
    candidates: dict[tuple[str, str], tuple[InstalledPackage, ...]] = field(default_factory=dict)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.names)

    @classmethod
    def build(cls, installed: tuple[InstalledPackage, ...],
              preferred: tuple[str, ...] = ()) -> Catalogue:
        found = _order([p for p in installed if p.info.type == "translate"], preferred)
        candidates: dict[tuple[str, str], list[InstalledPackage]] = {}
        names: dict[str, str] = {}
        for package in found:
            for pair in package.info.pairs():
                candidates.setdefault(pair, []).append(package)
                for code in pair:
                    if names.get(code, code) == code:  # the first real name stays
                        names[code] = package.info.language_name(code)
        direct = {pair: packages[0] for pair, packages in candidates.items()}
        for pair, code in _pair_choices(preferred).items():
            chosen = _chosen(candidates.get(pair, ()), code)
            if chosen is not None:  # else not installed (any more): automatic
                direct[pair] = chosen
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
        return cls(installed, direct, routes, tuple(languages), names,
                   {pair: tuple(packages) for pair, packages in candidates.items()})

    def choices(self) -> dict[tuple[str, str], tuple[InstalledPackage, ...]]:
        """The pairs more than one installed package serves directly, with those packages
        in the order "automatic" picks them: what the user can choose between."""
        return {pair: packages for pair, packages in self.candidates.items()
                if len(packages) > 1}

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


def _pair_choices(preferred: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """The per-pair entries of ``preferred`` (``en>xl=code``) by pair."""
    choices = {}
    for entry in preferred:
        pair, _, code = entry.partition("=")
        source, _, target = pair.partition(">")
        if code and source and target:
            choices.setdefault((source, target), code)
    return choices


def _chosen(packages: Iterable[InstalledPackage], code: str) -> InstalledPackage | None:
    """The package the user chose for a pair, if it is installed and serves the pair."""
    return next((p for p in packages if code in (p.info.code, p.path.name)), None)
