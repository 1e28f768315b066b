"""Argos-compatible model packages: index, download, install, verify, remove (no Qt)."""

from offline_nlp.packages.index import DEFAULT_INDEX_URL
from offline_nlp.packages.manager import PackageManager
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo

__all__ = ["DEFAULT_INDEX_URL", "InstalledPackage", "PackageInfo", "PackageManager"]
