"""offline-nlp: translate and summarise text and documents entirely offline.

The public API in one place::

    from offline_nlp import AppContext
    context = AppContext.create()
    print(context.engine.translate("Good morning.", "en", "de"))
"""

from offline_nlp._version import __version__
from offline_nlp.context import AppContext
from offline_nlp.engine import (
    Engine,
    EngineConfig,
    Language,
    SegmentCache,
    Span,
    Translation,
    TranslationOptions,
)
from offline_nlp.errors import (
    Cancelled,
    DocumentError,
    EngineError,
    LanguagePairUnavailableError,
    OfflineNLPError,
    PackageError,
)
from offline_nlp.packages import InstalledPackage, PackageInfo, PackageManager
from offline_nlp.paths import AppPaths
from offline_nlp.progress import Progress

__all__ = [
    "AppContext",
    "AppPaths",
    "Cancelled",
    "DocumentError",
    "Engine",
    "EngineConfig",
    "EngineError",
    "InstalledPackage",
    "Language",
    "LanguagePairUnavailableError",
    "OfflineNLPError",
    "PackageError",
    "PackageInfo",
    "PackageManager",
    "Progress",
    "SegmentCache",
    "Span",
    "Translation",
    "TranslationOptions",
    "__version__",
]
