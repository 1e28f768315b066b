"""PyInstaller runtime hook: portable mode.

If a file or folder named ``portable`` sits next to the executable (a USB stick, an
unzipped folder), everything the app writes (settings, caches, model packages) goes to
``data/`` beside it, by setting ``OFFLINE_NLP_HOME`` before offline_nlp is imported. An
``OFFLINE_NLP_HOME`` already set in the environment wins. Without the marker the usual
per-user folders are used (platformdirs).
"""

import os
import sys


def _portable_home(executable: str) -> str | None:
    folder = os.path.dirname(os.path.abspath(executable))
    if os.path.exists(os.path.join(folder, "portable")):
        return os.path.join(folder, "data")
    return None


if getattr(sys, "frozen", False) and not os.environ.get("OFFLINE_NLP_HOME"):
    _home = _portable_home(sys.executable)
    if _home:
        os.environ["OFFLINE_NLP_HOME"] = _home
