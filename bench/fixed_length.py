"""Make every ctranslate2.Translator decode exactly N tokens, for fair speed comparisons.

With random weights the output length is arbitrary, so all three contenders (raw
CTranslate2, our engine, argostranslate) get ``min = max = N`` decoding steps and
generate the same number of tokens. Imported by the benchmark in both environments.
"""

from __future__ import annotations

import ctranslate2

_REAL = ctranslate2.Translator


class FixedLengthTranslator:
    """A stand-in for ctranslate2.Translator forcing the decoding length."""

    length = 30

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._real = _REAL(*args, **kwargs)

    def translate_batch(self, *args: object, **kwargs: object) -> object:
        kwargs["min_decoding_length"] = kwargs["max_decoding_length"] = self.length
        return self._real.translate_batch(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def install(length: int) -> None:
    FixedLengthTranslator.length = length
    ctranslate2.Translator = FixedLengthTranslator  # type: ignore[misc]
