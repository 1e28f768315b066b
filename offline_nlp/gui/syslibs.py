"""System libraries Qt's X11 (xcb) platform plugin needs, checked without importing Qt.

On a fresh Debian/Ubuntu machine the pip wheel of PySide6 starts but its xcb plugin does
not load ("Could not load the Qt platform plugin xcb"), because a few X libraries are not
installed. Here each one is opened with the dynamic loader, the way Qt would open it, so
``offline-nlp doctor``, ``make run`` and the app itself can name the missing ones and the
command that installs them. No Qt import: ``doctor`` stays Qt-free.

    python -m offline_nlp.gui.syslibs    # exit 1 and the apt command when some are missing
"""

from __future__ import annotations

import ctypes
import os
import sys

__all__ = ["XCB_LIBRARIES", "apt_command", "missing_xcb_libraries", "needs_xcb", "problem"]

#: Shared object -> Debian/Ubuntu package: what the xcb plugin of Qt 6 loads (from ``ldd``
#: on PySide6 6.x's libQt6XcbQpa; .ci/run installs the same list).
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_xcb_libraries() -> list[str]:
    """Debian package names of the X libraries the loader cannot open (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    return [package for library, package in XCB_LIBRARIES.items() if not _loads(library)]


def apt_command(packages: list[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


def needs_xcb(environ: dict[str, str] | None = None) -> bool:
    """Whether Qt would pick its xcb plugin: Linux, an X display, no other platform asked."""
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or (platform and not platform.startswith("xcb")):
        return False
    return bool(env.get("DISPLAY")) and not (env.get("WAYLAND_DISPLAY") and not platform)


def problem() -> str | None:
    """One line naming the missing libraries and the command to install them, or ``None``."""
    missing = missing_xcb_libraries()
    if not missing:
        return None
    return (f"the desktop app needs system libraries that are missing: {', '.join(missing)}; "
            f"install them with: {apt_command(missing)}")


def main() -> int:
    message = problem()
    if message is None:
        return 0
    print(f"offline-nlp: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
