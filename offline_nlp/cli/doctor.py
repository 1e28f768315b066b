"""``offline-nlp doctor``: what is installed, where data lives, and what hardware is usable.

Read-only (it creates no folder) and always exits 0: a missing optional library or a
broken package is reported, not raised, so the output can be pasted into a bug report.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import sys
from pathlib import Path
from typing import Any

from offline_nlp._version import __version__
from offline_nlp.cli.output import emit_json
from offline_nlp.context import AppContext
from offline_nlp.engine.types import usable_cores
from offline_nlp.packages.ctmodels import memory_estimate

__all__ = ["collect", "register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "doctor", help="versions, data folders, installed packages and GPU support",
        description="Print the versions of offline-nlp and its libraries, the folders it "
                    "uses, the installed packages, and whether a GPU (CUDA) is usable. "
                    "Paste the output into bug reports.")
    cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    cmd.set_defaults(handler=run, no_cache=True)  # no_cache: never create the cache file


def run(args: argparse.Namespace, context: AppContext) -> int:
    report = collect(context)
    if args.json:
        emit_json(report)
    else:
        sys.stdout.write(format_report(report))
    return 0


def _version(*distributions: str, module: str | None = None) -> str | None:
    """The installed version of the first distribution found, else ``module.__version__``."""
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    if module and importlib.util.find_spec(module) is not None:  # frozen apps lack metadata
        return str(getattr(__import__(module), "__version__", "unknown"))
    return None


def _folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def _hardware() -> dict[str, Any]:
    import ctranslate2

    try:
        cuda_devices = ctranslate2.get_cuda_device_count()
    except Exception:  # noqa: BLE001 - a broken driver must not break the report
        cuda_devices = 0
    cuda_types: list[str] = []
    if cuda_devices:
        try:
            cuda_types = sorted(ctranslate2.get_supported_compute_types("cuda"))
        except Exception:  # noqa: BLE001
            cuda_types = []
    return {
        "cpu_cores": os.cpu_count(),
        "cpu_cores_usable": usable_cores(),
        "cpu_compute_types": sorted(ctranslate2.get_supported_compute_types("cpu")),
        "cuda_usable": cuda_devices > 0,
        "cuda_devices": cuda_devices,
        "cuda_compute_types": cuda_types,
    }


def collect(context: AppContext) -> dict[str, Any]:
    """The report as plain data (the ``--json`` output)."""
    from offline_nlp.langdetect import backend_name

    paths = context.paths
    versions = {
        "offline-nlp": __version__,
        "python": platform.python_version(),
        "ctranslate2": _version("ctranslate2", module="ctranslate2"),
        "sentencepiece": _version("sentencepiece", module="sentencepiece"),
        "platformdirs": _version("platformdirs", module="platformdirs"),
        "PySide6": _version("PySide6-Essentials", "PySide6", module="PySide6"),
        "language_detector": backend_name(),
    }
    packages = []
    for package in context.packages.installed():
        info = package.info
        pairs = info.pairs() if info.type == "translate" else []
        packages.append({
            "code": info.code,
            "pair": (f"{len(pairs)} pairs" if len(pairs) > 1
                     else f"{info.from_code}→{info.to_code}"),
            "name": info.title, "version": str(info.version),
            "kind": package.kind if info.type == "translate" else info.type,
            "licence": info.licence or None,
            # int8 weights take about their file's size in memory (1 GB for NLLB-600M)
            "memory_bytes": memory_estimate(package.model_dir),
            "size_bytes": _folder_size(package.path), "path": str(package.path),
            "read_only": package.read_only,
        })
    return {
        "versions": versions,
        "platform": {
            "system": platform.system(), "release": platform.release(),
            "machine": platform.machine(), "description": platform.platform(),
            "python_executable": sys.executable,
            "frozen": bool(getattr(sys, "frozen", False)),
            "portable_home": os.environ.get("OFFLINE_NLP_HOME") or None,
        },
        "folders": {
            "config": str(paths.config), "data": str(paths.data), "cache": str(paths.cache),
            "packages": str(paths.packages), "settings_file": str(paths.settings_file),
            "extra_package_dirs": [str(p) for p in paths.extra_package_dirs],
        },
        "packages": packages,
        "max_loaded_models": context.engine.config.max_loaded_models,
        "hardware": _hardware(),
        "desktop": _desktop(),
    }


def _desktop() -> dict[str, Any]:
    """X libraries the desktop app's Qt needs that are missing, and how to install them."""
    from offline_nlp.gui.syslibs import apt_command, missing_xcb_libraries  # Qt-free

    missing = missing_xcb_libraries()
    return {"missing_system_libraries": missing,
            "install_command": apt_command(missing) if missing else None}


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"


def format_report(report: dict[str, Any]) -> str:
    lines = ["versions:"]
    for name, version in report["versions"].items():
        lines.append(f"  {name:18s} {version or 'not installed'}")
    plat = report["platform"]
    lines += ["platform:", f"  {plat['description']} ({plat['machine']})",
              f"  python: {plat['python_executable']}" + ("  [frozen app]" if plat["frozen"]
                                                           else "")]
    if plat["portable_home"]:
        lines.append(f"  OFFLINE_NLP_HOME: {plat['portable_home']}")
    lines.append("folders:")
    for name in ("config", "data", "cache", "packages", "settings_file"):
        lines.append(f"  {name:18s} {report['folders'][name]}")
    for extra in report["folders"]["extra_package_dirs"]:
        lines.append(f"  {'argostranslate':18s} {extra} (read-only)")
    packages = report["packages"]
    loaded = report.get("max_loaded_models")
    lines.append(f"installed packages: {len(packages) or 'none'}"
                 + ("" if packages else " (install one with 'offline-nlp packages install "
                                        "en de')"))
    for pkg in packages:
        lines.append(f"  {pkg['code']:22s} {pkg['pair']:10s} {pkg['version']:8s} "
                     f"{_size(pkg['size_bytes']):>9s}  about {_size(pkg['memory_bytes'])} "
                     f"in memory ({pkg['kind']})"
                     + (f"  licence: {pkg['licence']}" if pkg["licence"] else "")
                     + ("  (argostranslate)" if pkg["read_only"] else ""))
    if packages and loaded:
        lines.append(f"  at most {loaded} models are kept loaded at once (max_loaded_models)")
    hw = report["hardware"]
    gpu = (f"yes, {hw['cuda_devices']} CUDA device(s); compute types "
           f"{', '.join(hw['cuda_compute_types'])}" if hw["cuda_usable"]
           else "no (no CUDA device visible to CTranslate2; the CPU is used)")
    lines += ["hardware:",
              f"  CPU cores          {hw['cpu_cores']} ({hw['cpu_cores_usable']} usable)",
              f"  CPU compute types  {', '.join(hw['cpu_compute_types'])}",
              f"  GPU usable         {gpu}"]
    desktop = report["desktop"]
    if desktop["missing_system_libraries"]:
        lines += ["desktop app (X11):",
                  f"  missing libraries  {', '.join(desktop['missing_system_libraries'])}",
                  f"  install with       {desktop['install_command']}"]
    else:
        lines += ["desktop app (X11):", "  system libraries   all found"]
    return "\n".join(lines) + "\n"
