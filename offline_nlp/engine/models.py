"""Loading CTranslate2 models lazily and keeping a bounded number of them in memory."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import ctranslate2

from offline_nlp.engine.kinds import load_tokenizer, tokenizer_files
from offline_nlp.engine.tokenization import Tokenizer
from offline_nlp.engine.types import EngineConfig
from offline_nlp.errors import ModelLoadError
from offline_nlp.packages.metadata import SHA256_RE, InstalledPackage

__all__ = ["LoadedModel", "ModelCache", "model_id", "resolve_device", "tokenizer_of"]

log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A package's translator and tokenizer, ready to use from any thread."""

    package: InstalledPackage
    translator: ctranslate2.Translator
    tokenizer: Tokenizer
    size_bytes: int

    @property
    def model_id(self) -> str:
        return model_id(self.package)


def model_id(package: InstalledPackage) -> str:
    """A package's model as the segment cache names it, known without loading it: its
    code and version, and for an installed model folder (whose version says nothing) its
    weights' digest."""
    digest = package.info.raw.get("model_sha256")
    mark = f"#{digest[:16]}" if isinstance(digest, str) and SHA256_RE.match(digest) else ""
    return f"{package.info.code}@{package.info.package_version}{mark}"


def resolve_device(config: EngineConfig) -> tuple[str, str]:
    """``(device, compute_type)`` actually usable here, falling back to the CPU."""
    device = config.device
    if device in ("auto", "cuda"):
        has_gpu = ctranslate2.get_cuda_device_count() > 0
        if device == "cuda" and not has_gpu:
            log.warning("CUDA was asked for but CTranslate2 sees no GPU; using the CPU")
        device = "cuda" if has_gpu else "cpu"
    compute = config.compute_type
    if device == "cuda" and compute == "int8":
        compute = "int8_float16"
    if compute != "auto" and compute not in ctranslate2.get_supported_compute_types(device):
        compute = "auto"
    return device, compute


def tokenizer_of(package: InstalledPackage) -> tuple[str, Path]:
    """``(tokenizer, first file)``: ``sentencepiece``, ``huggingface``, ``bpe`` or
    ``marian``, per the package's kind (see engine.kinds).

    Raises:
        ModelLoadError: a file is missing or the tokenizer is unknown.
    """
    name, files = tokenizer_files(package)
    return name, files[0]


def _folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


class ModelCache:
    """An LRU of loaded models, bounded by count and by (on-disk) size.

    Loading, unloading and eviction are serialised by one lock; translating with a
    loaded model needs no lock (CTranslate2 releases the GIL and is thread-safe).
    """

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._models: OrderedDict[Path, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, package: InstalledPackage) -> LoadedModel:
        with self._lock:
            model = self._models.get(package.path)
            if model is not None:
                self._models.move_to_end(package.path)
                return model
            model = self._load(package)
            self._models[package.path] = model
            self._evict()
            return model

    def _load(self, package: InstalledPackage) -> LoadedModel:
        tokenizer: Tokenizer = load_tokenizer(package)  # a missing file fails before the model loads
        device, compute = resolve_device(self.config)
        inter, intra = self.config.threads()
        try:
            translator = ctranslate2.Translator(
                str(package.model_dir), device=device, compute_type=compute,
                inter_threads=inter, intra_threads=intra,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelLoadError(f"cannot load the model of {package.info.code}: {exc}") from exc
        log.info("loaded %s on %s (%s, %dx%d threads)", package.info.code, device, compute,
                 inter, intra)
        return LoadedModel(package, translator, tokenizer, _folder_size(package.model_dir))

    def _evict(self) -> None:
        def over() -> bool:
            total = sum(m.size_bytes for m in self._models.values())
            return len(self._models) > self.config.max_loaded_models or (
                total > self.config.max_loaded_bytes and len(self._models) > 1)

        while over():
            _, model = self._models.popitem(last=False)
            log.info("unloading %s", model.package.info.code)
            del model

    def unload(self, path: Path | None = None) -> None:
        """Forget one package's model (before removing or updating it), or all."""
        with self._lock:
            if path is None:
                self._models.clear()
            else:
                self._models.pop(Path(path), None)

    def loaded(self) -> list[LoadedModel]:
        with self._lock:
            return list(self._models.values())
