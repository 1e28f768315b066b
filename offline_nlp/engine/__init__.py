"""The translation engine (no Qt): models, sentence splitting, batching, caching."""

from offline_nlp.engine.cache import SegmentCache
from offline_nlp.engine.engine import Engine, Route
from offline_nlp.engine.glossary import Glossary, GlossaryError, load_glossary
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
    "Glossary",
    "GlossaryError",
    "Language",
    "Route",
    "SegmentCache",
    "Span",
    "Translation",
    "TranslationOptions",
    "load_glossary",
]
