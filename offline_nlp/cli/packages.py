"""``offline-nlp packages …`` and ``offline-nlp languages``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.context import AppContext
from offline_nlp.errors import InvalidPackageError, PackageNotFoundError
from offline_nlp.packages import InstalledPackage, PackageInfo
from offline_nlp.packages.ctmodels import ModelHints, memory_estimate

__all__ = ["register"]

_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: not C:


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser("packages", help="list, install, update, verify or remove models")
    sub = cmd.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="installed packages")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_installed)

    available = sub.add_parser("available", help="packages in the index (cached copy offline)")
    available.add_argument("--from", dest="source", metavar="LANG")
    available.add_argument("--to", dest="target", metavar="LANG")
    available.add_argument("--refresh", action="store_true", help="download the index again")
    available.add_argument("--json", action="store_true")
    available.set_defaults(handler=list_available)

    install = sub.add_parser(
        "install", help="install from the index, a URL, a .argosmodel file or a "
                        "CTranslate2 model folder or zip (NLLB-200, M2M-100, OPUS-MT)",
        description="PACKAGE is an index code (translate-en_de), a pair (en_de, or two "
                    "codes: en de, which also installs a route through English), a URL, "
                    "a path to a .argosmodel file, or a CTranslate2 model folder (or a zip "
                    "of one) as ct2-transformers-converter writes it: NLLB-200 and M2M-100 "
                    "models serve every pair of their languages, OPUS-MT (Marian) models "
                    "their pair or, multi-target, each >>xxx<< target. Their kind and "
                    "languages are read from their files; the licence is shown before "
                    "installing (NLLB-200's weights are CC-BY-NC 4.0: not for commercial use).",
        epilog="examples: packages install ~/models/nllb-200-distilled-600M-ct2-int8  |  "
               "packages install opus-mt-en-de.zip  |  packages install my-nllb.zip "
               "--language xl=xlx_Latn")
    install.add_argument("package", nargs="+", metavar="PACKAGE")
    install.add_argument("--force", action="store_true",
                         help="install even a package whose model fails its test "
                              "translation, or one that is installed already")
    install.add_argument("--language", action="append", default=[], metavar="CODE=TOKEN",
                         help="a model language token no table knows, as the code to use "
                              "for it (xl=xlx_Latn); repeat for each")
    install.add_argument("--from", dest="source", default="", metavar="LANG",
                         help="an OPUS-MT model's source language, where its name does "
                              "not say (opus-mt-en-de does)")
    install.add_argument("--to", dest="target", default="", metavar="LANG",
                         help="an OPUS-MT model's target language, likewise")
    install.add_argument("--licence", "--license", dest="licence", default="", metavar="NAME",
                         help="the model's licence, where its files do not name it")
    install.set_defaults(handler=install_packages)

    remove = sub.add_parser("remove", help="remove installed packages")
    remove.add_argument("package", nargs="+", metavar="CODE")
    remove.set_defaults(handler=remove_packages)

    update = sub.add_parser("update", help="install newer versions from the index")
    update.add_argument("package", nargs="*", metavar="CODE", help="only these (default: all)")
    update.set_defaults(handler=update_packages)

    verify = sub.add_parser("verify", help="check installed files against their checksums")
    verify.set_defaults(handler=verify_packages)

    languages = commands.add_parser("languages", help="languages you can translate now")
    languages.add_argument("--json", action="store_true")
    languages.set_defaults(handler=list_languages)


def list_installed(args: argparse.Namespace, context: AppContext) -> int:
    packages = context.packages.installed()
    if args.json:
        emit_json([{"code": p.info.code, "from": p.info.from_code, "to": p.info.to_code,
                    "type": p.info.type, "version": p.info.package_version,
                    "kind": p.kind, "pairs": [f"{s}-{t}" for s, t in p.info.pairs()],
                    "licence": p.info.licence or None, "memory": memory_estimate(p.model_dir),
                    "path": str(p.path), "read_only": p.read_only} for p in packages])
        return 0
    if not packages:
        info("no packages installed; see 'offline-nlp packages available'")
    for package in packages:
        note = "  (argostranslate, read-only)" if package.read_only else ""
        print(f"{package.info}{note}{_details(package)}")
    return 0


def _details(package: InstalledPackage) -> str:
    """Kind, licence and memory of a model that is not a plain Argos package."""
    if package.info.type != "translate" or not package.info.kind:
        return ""
    return (f"  [{package.kind}; licence: {package.info.licence or 'unknown'}; "
            f"about {memory_estimate(package.model_dir) / 1024**2:,.0f} MB in memory]")


def _hints(args: argparse.Namespace) -> ModelHints:
    languages = {}
    for item in args.language:
        code, _, token = item.partition("=")
        if not code or not token:
            raise InvalidPackageError(f"--language {item!r}: expected CODE=TOKEN, like xl=xlx_Latn")
        languages[code.strip()] = token.strip()
    return ModelHints(languages=languages, source=args.source, target=args.target,
                      licence=args.licence)


def _announce(info_: PackageInfo) -> None:
    """Said before a model folder or zip is installed: what it is and its licence."""
    print(f"{info_.code}: {info_.kind}, {info_.title}; licence: {info_.licence or 'unknown'}")


def list_available(args: argparse.Namespace, context: AppContext) -> int:
    packages = [p for p in context.packages.available(refresh=args.refresh)
                if (not args.source or p.from_code == args.source)
                and (not args.target or p.to_code == args.target)]
    installed = {p.info.code: p.info for p in context.packages.installed()}
    if args.json:
        emit_json([{"code": p.code, "from": p.from_code, "to": p.to_code,
                    "version": p.package_version, "installed": p.code in installed}
                   for p in packages])
        return 0
    for package in packages:
        mark = "[installed] " if package.code in installed else ""
        print(f"{mark}{package}")
    return 0


def _resolve(context: AppContext, names: list[str]) -> list[PackageInfo | str | Path]:
    """Turn the install arguments into index entries, URLs or files."""
    if len(names) == 2 and all(len(n) <= 3 and n.isalpha() for n in names):
        return list(context.packages.plan_pair(names[0], names[1]))
    resolved: list[PackageInfo | str | Path] = []
    for name in names:
        if Path(name).is_dir() or Path(name).is_file():
            resolved.append(Path(name))
        elif _URL_SCHEME.match(name):  # http(s) is downloaded; file:, data: are refused there
            resolved.append(name)
        elif Path(name).suffix in (".argosmodel", ".zip"):
            resolved.append(Path(name))  # says there is no such file
        else:
            resolved.append(context.packages.find_available(name))
    return resolved


def install_packages(args: argparse.Namespace, context: AppContext) -> int:
    hints = _hints(args)
    for item in _resolve(context, args.package):
        if isinstance(item, PackageInfo) and not args.force:
            present = context.packages.installed_as(item)
            if present is not None:
                print(f"already installed: {present.info} ('packages update' gets newer "
                      "versions, --force installs it again)")
                continue
        bar = ProgressBar(f"{item.code if isinstance(item, PackageInfo) else item}")
        if isinstance(item, PackageInfo):
            package = context.packages.install(item, on_progress=bar, force=args.force)
        elif isinstance(item, Path) and item.is_dir():
            package = context.packages.install_folder(item, hints=hints, force=args.force,
                                                      announce=_announce)
        elif isinstance(item, Path):
            package = context.packages.install_file(item, force=args.force, hints=hints,
                                                    announce=_announce)
        else:
            package = context.packages.install_url(item, on_progress=bar, force=args.force,
                                                   hints=hints, announce=_announce)
        bar.close()
        print(f"installed {package.info}{_details(package)}")
    return 0


def remove_packages(args: argparse.Namespace, context: AppContext) -> int:
    for code in args.package:
        package = context.packages.remove(code)
        print(f"removed {package.info}")
    return 0


def update_packages(args: argparse.Namespace, context: AppContext) -> int:
    updates = context.packages.updates()
    if args.package:
        known = {p.info.code for p, _ in updates} | {p.info.code for p in context.packages.installed()}
        missing = [code for code in args.package if code not in known]
        if missing:
            raise PackageNotFoundError(f"not installed: {', '.join(missing)}")
        updates = [(p, new) for p, new in updates if p.info.code in args.package]
    if not updates:
        print("everything is up to date")
    for package, newer in updates:
        bar = ProgressBar(newer.code)
        installed = context.packages.install(newer, on_progress=bar)
        bar.close()
        print(f"updated {package.info.code} {package.info.package_version} → "
              f"{installed.info.package_version}")
    return 0


def verify_packages(args: argparse.Namespace, context: AppContext) -> int:
    report = context.packages.verify()
    for code, problems in report.items():
        print(f"{code}: {'ok' if not problems else '; '.join(problems)}")
    if not report:
        info("no packages installed")
    return 1 if any(report.values()) else 0


def list_languages(args: argparse.Namespace, context: AppContext) -> int:
    routes = context.engine.pairs()
    names = {lang.code: lang.name for lang in context.engine.languages()}
    if args.json:
        emit_json([{"from": s, "to": t, "via": r.pivot} for (s, t), r in sorted(routes.items())])
        return 0
    if not routes:
        info("no packages installed; try 'offline-nlp packages install en de'")
    for (source, target), route in sorted(routes.items()):
        via = f"  (through {names.get(route.pivot, route.pivot)})" if route.pivot else ""
        print(f"{source} → {target}  {names.get(source, source)} → {names.get(target, target)}{via}")
    return 0
