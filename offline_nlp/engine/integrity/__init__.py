"""Nothing the user wrote is lost: what goes to the model, and checking what comes back.

Each sentence becomes a plan of *parts* (:mod:`.spans`): units the model translates,
spans kept verbatim (URLs, code, emoji, see :mod:`protect`; words and whole sentences in
a script the source language is not written in, see :mod:`scripts`) and the whitespace
between them.

* **Whole sentences to the model.** A sentence with spans goes to the model without
  them, whole, and the spans are put back by the word alignment (:mod:`reinsert`). The
  parts are translated one by one only when that fails: the output looks incomplete,
  or the alignment cannot place a span.

* **Long sentences are cut to fit.** A unit longer than the model's limit (the package's
  ``max_source_tokens``, else :data:`DEFAULT_MAX_TOKENS`, or the option) is cut at
  clause punctuation, then by length, and its pieces are joined again with the spacing
  of the output script. Models trained on single sentences drop the end of a long one.
* **A coverage guard.** After decoding, a unit is suspect when its output never attends
  to a run of its source words (the attention CTranslate2 returns, whatever the
  output's length), is much shorter or longer than its source (by the ratio of output
  to source words the job shows on its other sentences), repeats a word or phrase the
  source does not, is empty, or ran into the decoding limit. It is translated again on
  its own with a wider beam, then in ever smaller pieces. What is still suspect is
  reported, never hidden, and what is still empty keeps its source text.
* **Invisible characters** (zero-width spaces and joiners, BOM, controls) the model does
  not know are kept out of what it sees, like spans, and put back.

The guard (:mod:`.guard`) checks what comes back and translates again what looks
incomplete; :mod:`.joining` puts each sentence together from its parts' outputs, and
:mod:`.measure` says how much a text says.
"""

from __future__ import annotations

from offline_nlp.engine.integrity.guard import (
    DEFAULT_MAX_TOKENS,
    Guard,
    Outcome,
    guard_for,
    package_limit,
    package_tokenizer,
)
from offline_nlp.engine.integrity.spans import UnitResult

__all__ = ["DEFAULT_MAX_TOKENS", "Guard", "Outcome", "UnitResult", "guard_for",
           "package_limit", "package_tokenizer"]
