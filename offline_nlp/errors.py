"""The one exception tree of offline_nlp.

Every error the core raises on purpose derives from :class:`OfflineNLPError`, so the
CLI and the GUI catch exactly one type at their edge and show ``str(exc)``, which is
always a complete sentence that names the bad value and, where there are any, the
valid choices::

    OfflineNLPError
      PackageError
        InvalidPackageError      corrupt zip, hostile paths, missing metadata or model
        PackageNotFoundError     no such package installed or in the index
        PackageDownloadError     network failure, truncated download, bad checksum
        IndexUnavailableError    no cached index and the index server unreachable
      EngineError
        ModelLoadError           CTranslate2 or sentencepiece could not load a model
        LanguagePairUnavailableError
      DocumentError
        UnsupportedFormatError   unknown extension or missing optional library
        DocumentParseError       damaged, encrypted or empty document
        InputNotFoundError       an input file or folder that does not exist
      SettingsError
      OutputExistsError          refusing to overwrite without being asked
      OutputWriteError           an output that cannot be written (read-only folder, full disk)

:class:`Cancelled` is deliberately *not* an OfflineNLPError: the user stopping work
is not a failure, and callers treat it separately.
"""

from __future__ import annotations


class OfflineNLPError(Exception):
    """Base class of every error offline_nlp raises on purpose."""


class PackageError(OfflineNLPError):
    """A model package could not be listed, installed, verified or removed."""


class InvalidPackageError(PackageError):
    """A package file is damaged, hostile or not in the Argos format."""


class PackageNotFoundError(PackageError):
    """No package with that code or language pair is installed or available."""


class PackageDownloadError(PackageError):
    """A download failed, was truncated, or did not match its checksum."""


class IndexUnavailableError(PackageError):
    """The package index is neither cached nor reachable."""


class EngineError(OfflineNLPError):
    """The translation engine could not do what was asked."""


class ModelLoadError(EngineError):
    """A model or its tokenizer could not be loaded."""


class LanguagePairUnavailableError(EngineError):
    """No installed package, direct or through English, covers the pair."""

    def __init__(self, message: str, source: str = "", target: str = "") -> None:
        super().__init__(message)
        self.source = source
        self.target = target


class DocumentError(OfflineNLPError):
    """A document could not be read or written."""


class UnsupportedFormatError(DocumentError):
    """The file type is not supported, or its optional library is missing."""


class DocumentParseError(DocumentError):
    """The document is damaged, encrypted, empty or not what its extension says."""


class InputNotFoundError(DocumentError):
    """An input file or folder does not exist."""


class SettingsError(OfflineNLPError):
    """The settings file holds a value that is out of range or of the wrong type."""


class OutputExistsError(OfflineNLPError):
    """The output file exists and overwriting was not asked for."""


class OutputWriteError(OfflineNLPError):
    """An output file could not be written: a read-only folder, a full disk."""


class Cancelled(Exception):  # noqa: N818 - it is an outcome, not an error
    """Raised inside long work when the caller's cancel flag was set."""
