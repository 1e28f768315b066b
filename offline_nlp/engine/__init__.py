"""The translation engine (no Qt): models, sentence splitting, batching, caching."""

from offline_nlp.engine.cache import SegmentCache
from offline_nlp.engine.engine import Engine, Route
from offline_nlp.engine.types import (
    PRESETS,
    EngineConfig,
    Language,
    Span,
    Translation,
    TranslationOptions,
)

__all__ = [
    "PRESETS",
    "Engine",
    "EngineConfig",
    "Language",
    "Route",
    "SegmentCache",
    "Span",
    "Translation",
    "TranslationOptions",
]
