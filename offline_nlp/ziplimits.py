"""Limits on what a zip archive from outside may unpack to (zip bombs).

Packages (``.argosmodel``) and zip-based documents (docx, pptx, xlsx, ODF, EPUB) share
these checks; each caller picks its limits and turns the refusal into its own error.
The checks use the sizes the central directory declares: :mod:`zipfile` never
inflates a member past its declared size (it stops there and fails the CRC check), so a
member that lies about its size cannot grow past what was checked.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ZipLimits", "zip_refusal"]


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may hold.

    Attributes:
        total: bytes all members unpack to together.
        ratio: how many times larger than its compressed bytes a member may grow...
        ratio_floor: ...once it is larger than this (small text compresses very well).
        entries: how many members.
        member: bytes one member may unpack to (``None``: only ``total`` bounds it).
    """

    total: int
    ratio: int
    ratio_floor: int
    entries: int
    member: int | None = None


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


def zip_refusal(infos: Sequence[zipfile.ZipInfo], limits: ZipLimits, what: str) -> str | None:
    """Why an archive of ``what`` (``a package``, ``a document``) is refused, or ``None``.

    The reason is one line meant to follow the archive's name.
    """
    if len(infos) > limits.entries:
        return (f"holds {len(infos)} files, more than the {limits.entries} {what} may have; "
                "refusing it")
    total = sum(info.file_size for info in infos)
    if total > limits.total:
        return (f"unpacks to {_size(total)}, more than the {_size(limits.total)} {what} may "
                "take; refusing it")
    for info in infos:
        name = info.filename[:80]
        if limits.member is not None and info.file_size > limits.member:
            return (f"looks like a zip bomb: {name!r} unpacks to {_size(info.file_size)}, more "
                    f"than the {_size(limits.member)} one part of {what} may take; refusing it")
        grows = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(
                info.compress_size, 1):
            return f"looks like a zip bomb: {name!r} grows {grows}-fold when unpacked; refusing it"
    return None
