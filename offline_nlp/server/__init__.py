"""``offline-nlp serve``: a LibreTranslate-compatible local server on the shared engine.

Needs the ``server`` extra (aiohttp); importing this package without it raises
``ImportError``, which the CLI turns into one line saying what to install.
"""

from offline_nlp.server.api import ApiError, ServerConfig
from offline_nlp.server.batcher import Batcher
from offline_nlp.server.runner import Server

__all__ = ["ApiError", "Batcher", "Server", "ServerConfig"]
