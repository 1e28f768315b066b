"""``offline-nlp packages …`` and ``offline-nlp languages``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.context import AppContext
from offline_nlp.errors import PackageNotFoundError
from offline_nlp.packages import PackageInfo

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
        "install", help="install from the index, a URL or a local .argosmodel file",
        description="PACKAGE is an index code (translate-en_de), a pair (en_de, or two "
                    "codes: en de, which also installs a route through English), a URL, "
                    "or a path to a .argosmodel file.")
    install.add_argument("package", nargs="+", metavar="PACKAGE")
    install.add_argument("--force", action="store_true",
                         help="install even a package whose model fails its test "
                              "translation, or one that is installed already")
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
                    "path": str(p.path), "read_only": p.read_only} for p in packages])
        return 0
    if not packages:
        info("no packages installed; see 'offline-nlp packages available'")
    for package in packages:
        note = "  (argostranslate, read-only)" if package.read_only else ""
        print(f"{package.info}{note}")
    return 0


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
        if Path(name).is_file() or Path(name).suffix == ".argosmodel":
            resolved.append(Path(name))
        elif _URL_SCHEME.match(name):  # http(s) is downloaded; file:, data: are refused there
            resolved.append(name)
        else:
            resolved.append(context.packages.find_available(name))
    return resolved


def install_packages(args: argparse.Namespace, context: AppContext) -> int:
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
        elif isinstance(item, Path):
            package = context.packages.install_file(item, force=args.force)
        else:
            package = context.packages.install_url(item, on_progress=bar, force=args.force)
        bar.close()
        print(f"installed {package.info}")
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
