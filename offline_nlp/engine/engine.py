"""The one translation engine shared by the CLI and the GUI.

A request of many texts (paragraphs, cells, cues, whole files) becomes one stream of
sentences: split without a model, de-duplicated, looked up in the segment cache, cut
into length-sorted token batches and sent to CTranslate2 with several batches in
flight. Results are put back exactly where the sentences were.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from offline_nlp.engine.alignment import SpanRow, align_sentence, uncovered_run
from offline_nlp.engine.batching import batch_cap as _batch_cap
from offline_nlp.engine.batching import make_batches as _make_batches
from offline_nlp.engine.batching import wait_all, wait_for
from offline_nlp.engine.cache import CachedSentence, SegmentCache
from offline_nlp.engine.integrity import Guard, Outcome, UnitResult, guard_for
from offline_nlp.engine.kinds import Framing, framing, written_in_cjk
from offline_nlp.engine.langcodes import is_plain, normalize_code
from offline_nlp.engine.models import LoadedModel, ModelCache, model_id
from offline_nlp.engine.routing import Catalogue, Hop, Route
from offline_nlp.engine.segmentation import Piece, join_sentences, split_text
from offline_nlp.engine.types import EngineConfig, Language, Span, Translation, TranslationOptions
from offline_nlp.packages.metadata import InstalledPackage
from offline_nlp.progress import ProgressCallback, check_cancel, report

__all__ = ["Engine", "Hop", "PackageSource", "Route", "wait_all", "wait_for"]

log = logging.getLogger(__name__)
_CJK_CODES = frozenset({"zh", "zt", "ja", "ko", "yue", "lzh", "wuu"})
_CJK_NAMES = ("chinese", "japanese", "korean", "cjk")


class PackageSource(Protocol):
    """Anything that lists installed packages (the PackageManager, a test double)."""

    def installed(self) -> list[InstalledPackage]: ...


# One hop's result for a sentence: hypotheses and the best one's alignment.
_Sentence = UnitResult


class Engine:
    """Translate text with installed packages of any kind (see engine.kinds).

    Args:
        packages: where installed packages come from; asked again on every request,
            so packages installed or removed meanwhile are seen at once.
        config: devices, threads, batch and model-cache bounds.
        cache: persistent segment cache, or ``None`` for none.
    """

    def __init__(self, packages: PackageSource, config: EngineConfig | None = None,
                 cache: SegmentCache | None = None) -> None:
        self.packages = packages
        self.config = config or EngineConfig()
        self.models = ModelCache(self.config)
        self.cache = cache
        self._built: Catalogue | None = None
        add_listener = getattr(packages, "add_listener", None)
        if add_listener is not None:
            add_listener(self.models.unload)  # never keep a model whose files are going

    # -- what can be translated -------------------------------------------------------

    def _catalogue(self) -> Catalogue:
        """Translation packages and routes, rebuilt only when the installed set changed.

        A PackageManager hands out the same snapshot until its folders change, so this
        is a stat and a comparison per request; issue 25 measured route() at 27 ms with
        93 packages when every call re-read and re-paired them all.
        """
        snapshot = getattr(self.packages, "snapshot", None)
        installed = snapshot() if snapshot is not None else tuple(self.packages.installed())
        catalogue = self._built
        if catalogue is None or catalogue.installed is not installed:
            catalogue = self._built = Catalogue.build(installed, self.config.preferred_models)
        return catalogue

    def pairs(self) -> dict[tuple[str, str], Route]:
        """Every pair translatable now, direct or through English, with its route."""
        return dict(self._catalogue().routes)

    def choices(self) -> dict[tuple[str, str], tuple[InstalledPackage, ...]]:
        """Pairs that several installed packages serve directly, with those packages, the
        automatic choice first (the ``en>xl=code`` entries of ``preferred_models`` pick
        another; see engine.routing)."""
        return self._catalogue().choices()

    def languages(self) -> list[Language]:
        """Languages appearing in installed translation packages, by name."""
        return list(self._catalogue().languages)

    def canonical(self, code: str) -> str:
        """``code`` as the installed packages spell it: ``zh-CN`` → ``zh``, ``zh_TW`` →
        ``zt``, ``pt-BR`` → ``pb``, ``EN`` → ``en`` (see engine.langcodes)."""
        if is_plain(code):
            return code
        codes = self._catalogue().codes
        # a script-qualified code of a multilingual model (ace_Arab) is taken as it is
        return code if code in codes else normalize_code(code, codes)

    def route(self, source: str, target: str, model: str = "") -> Route:
        """The packages that translate ``source`` into ``target`` (codes as people write
        them); ``model``: the code of the package that must serve the pair.

        Raises:
            LanguagePairUnavailableError: nothing installed covers the pair (or ``model``
                does not).
        """
        return self._catalogue().route(self.canonical(source), self.canonical(target), model)

    # -- translating ------------------------------------------------------------------

    def translate(self, text: str, source: str, target: str,
                  options: TranslationOptions | None = None) -> str:
        """Translate one text; whitespace and line breaks are kept."""
        return self.translate_texts([text], source, target, options)[0].text

    def translate_texts(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        options: TranslationOptions | None = None,
        *,
        align: bool = False,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Translation]:
        """Translate many texts as one batched job.

        Args:
            texts: paragraphs, cells, cues or whole files; all their sentences are
                batched together, which is what makes documents fast.
            align: also return token spans (see :class:`Span`) for moving formatting.
            on_progress: receives sentences done / total after each batch.
            cancel: once set, stops between batches with :class:`Cancelled`.
        """
        options = options or TranslationOptions()
        source, target = self.canonical(source), self.canonical(target)
        if source == target:
            return [Translation(text) for text in texts]
        route = self.route(source, target, options.model)
        if options.glossary is not None:
            options = replace(options, glossary=options.glossary.for_pair(source, target) or None)
        layouts = [split_text(text, source) for text in texts]
        sentences = list(dict.fromkeys(
            p.text for layout in layouts for p in layout if p.is_sentence))
        guard = self._guard(route, options, align, cancel)

        def first_pass(units: list[str], aligned: set[str]) -> dict[str, _Sentence]:
            """``aligned``: units whose word alignment the guard needs (to put spans
            back), asked for even when the caller did not ask for alignment."""
            counter = _Counter(on_progress, len(units) * len(route.packages))
            extra = [] if align else [u for u in units if u in aligned]
            plain = [u for u in units if u not in aligned] if extra else units
            results = self._through(route, plain, options, align, counter, cancel) \
                if plain else {}
            if extra:
                results.update(self._through(route, extra, options, True, counter, cancel))
            return results

        outcomes = guard.run(sentences, first_pass)
        return [self._assemble(layout, outcomes, route) for layout in layouts]

    def _through(self, route: Route, units: list[str], options: TranslationOptions,
                 align: bool, counter: _Counter, cancel: threading.Event | None
                 ) -> dict[str, _Sentence]:
        """Each unit through every hop of the route; alignment composed back to it."""
        hops = []
        inputs = units
        for hop in route.hops:
            results = self._translate_unique(hop, inputs, options, align, counter, cancel)
            hops.append(results)
            inputs = list(dict.fromkeys(r.hypotheses[0] for r in results.values()))
        return {unit: _end_to_end(_chain(unit, hops)) for unit in units}

    def _guard(self, route: Route, options: TranslationOptions, align: bool,
               cancel: threading.Event | None) -> Guard:
        """Long-sentence cutting, protected spans, foreign scripts and the coverage guard."""
        def retranslate(units: list[str], opts: TranslationOptions) -> dict[str, _Sentence]:
            return self._through(route, units, opts, align, _Counter(None, 0), cancel)

        source = route.hops[0].source
        return guard_for(route.packages[0], route.packages[-1], options, align, retranslate,
                         (source, self._catalogue().names.get(source, source)))

    def stream(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        options: TranslationOptions | None = None,
        *,
        align: bool = False,
        cancel: threading.Event | None = None,
        chunk_sentences: int = 256,
    ) -> Iterator[tuple[int, Translation]]:
        """Yield ``(index, translation)`` in input order as soon as each is ready.

        Texts are taken in chunks of about ``chunk_sentences`` sentences, each chunk one
        batched job, so the first results arrive early and batches stay full.
        Stopping the iteration (``close()``) cancels the remaining work.
        """
        start = 0
        while start < len(texts):
            end, count = start, 0
            while end < len(texts) and (end == start or count < chunk_sentences):
                count += sum(p.is_sentence for p in split_text(texts[end]))
                end += 1
            results = self.translate_texts(texts[start:end], source, target, options,
                                           align=align, cancel=cancel)
            yield from enumerate(results, start)
            start = end

    def unload(self, package: InstalledPackage | None = None) -> None:
        """Release a package's model (before it is removed or updated) or all models."""
        self.models.unload(package.path if package else None)

    def loaded_models(self) -> list[str]:
        return [m.package.info.code for m in self.models.loaded()]

    # -- internals --------------------------------------------------------------------

    def _translate_unique(self, hop: Hop, sentences: list[str],
                          options: TranslationOptions, align: bool, counter: _Counter,
                          cancel: threading.Event | None) -> dict[str, _Sentence]:
        package = hop.package
        options = self._guarded(hop, options)
        results, todo = self._from_cache(hop, sentences, options, align)
        counter.add(len(results))
        if todo:
            # Loaded only on a cache miss: a fully cached re-run never pays the model's
            # load time (0.12-0.15 s of a 0.47 s document re-run) nor its memory.
            model = self.models.get(package)
            frame = framing(package, hop.source, hop.target)
            tokens = model.tokenizer.encode(todo)
            # Framed before batching: the batches' token budget counts the language
            # tokens and </s> a kind adds, as the model sees them.
            framed = [frame.source(t) for t in tokens]
            for batch in self._run_batches(model, frame, framed, options, align, cancel):
                fresh = {}
                for index, result in batch:
                    fresh[todo[index]] = self._decode(model, frame, todo[index], tokens[index],
                                                      result, align)
                results.update(fresh)
                self._store(hop, options, fresh)
                counter.add(len(fresh))
        return results

    def _guarded(self, hop: Hop, options: TranslationOptions) -> TranslationOptions:
        """Repetition guards for CJK targets, where Argos models are known to loop."""
        if options.no_repeat_ngram_size is not None or options.repetition_penalty is not None:
            return options
        name = self._catalogue().names.get(hop.target, hop.package.info.to_name)
        cjk = hop.target.split("-")[0] in _CJK_CODES or any(
            word in name.lower() for word in _CJK_NAMES) or written_in_cjk(hop.package, hop.target)
        if not cjk:
            return options
        # Measured with bench/repetition.py on the fixture en→xz model: on sentences three
        # times longer than seen in training this pair cuts runaway outputs from 67 to 24
        # in 2000 without losing an exact translation; either guard alone does worse.
        return replace(options, no_repeat_ngram_size=4, repetition_penalty=1.1)

    def _from_cache(self, hop: Hop, sentences: list[str],
                    options: TranslationOptions, align: bool) -> tuple[dict[str, _Sentence], list[str]]:
        if self.cache is None or not options.use_cache:
            return {}, sentences
        option_key, model = _options_key(hop, options), model_id(hop.package)
        keys = [SegmentCache.key(model, option_key, s) for s in sentences]
        cached = self.cache.get_many(keys)
        results, todo = {}, []
        for sentence, key in zip(sentences, keys):
            hit = cached.get(key)
            if hit is not None and (not align or hit[1] is not None):
                results[sentence] = _Sentence(hit[0], hit[1], hit[2])
            else:
                todo.append(sentence)
        return results, todo

    def _store(self, hop: Hop, options: TranslationOptions,
               fresh: dict[str, _Sentence]) -> None:
        if self.cache is None or not options.use_cache:
            return
        option_key, model = _options_key(hop, options), model_id(hop.package)
        items: list[tuple[str, CachedSentence]] = [
            (SegmentCache.key(model, option_key, s),
             (r.hypotheses, r.alignment, r.gap))
            for s, r in fresh.items()
        ]
        self.cache.put_many(items)

    def _run_batches(self, model: LoadedModel, frame: Framing, framed: list[list[str]],
                     options: TranslationOptions, align: bool,
                     cancel: threading.Event | None) -> Iterator[list[tuple[int, object]]]:
        """Submit length-sorted batches of framed sources, keeping a few in flight; yield
        each result."""
        inter, _ = self.config.threads()
        in_flight: list[tuple[list[int], list[object]]] = []
        cap = _batch_cap(framed, self.config.max_batch_tokens, inter)
        for batch in _make_batches(framed, cap):
            check_cancel(cancel)
            in_flight.append((batch, self._submit(model, [framed[i] for i in batch],
                                                  options, align, frame)))
            if len(in_flight) > inter:
                yield self._collect(*in_flight.pop(0), cancel)
        while in_flight:
            yield self._collect(*in_flight.pop(0), cancel)

    @staticmethod
    def _collect(batch: list[int], futures: list[object],
                 cancel: threading.Event | None = None) -> list[tuple[int, object]]:
        return list(zip(batch, wait_all(futures, cancel), strict=True))

    def _submit(self, model: LoadedModel, batch: list[list[str]], options: TranslationOptions,
                align: bool, frame: Framing = Framing()) -> list[object]:
        longest = max(len(t) for t in batch)
        n_best = max(1, options.num_alternatives)
        return model.translator.translate_batch(  # type: ignore[no-any-return]
            batch,
            target_prefix=[list(frame.prefix)] * len(batch) if frame.prefix else None,
            max_batch_size=self.config.max_batch_tokens,
            batch_type="tokens",
            beam_size=max(options.beam_size, n_best),
            num_hypotheses=n_best,
            max_decoding_length=min(1024, int(longest * options.length_ratio) + options.length_extra),
            replace_unknowns=options.replace_unknowns,
            length_penalty=options.length_penalty,
            repetition_penalty=options.repetition_penalty or 1.0,
            no_repeat_ngram_size=options.no_repeat_ngram_size or 0,
            return_attention=True,  # the guard's coverage check, and alignment
            return_scores=False,
            asynchronous=True,
        )

    @staticmethod
    def _decode(model: LoadedModel, frame: Framing, source: str, source_pieces: list[str],
                result: object, align: bool) -> _Sentence:
        prefix = list(frame.prefix)
        hypotheses: list[str] = []
        best_pieces: list[str] = []
        clean = True
        for pieces in result.hypotheses:  # type: ignore[attr-defined]
            if prefix and pieces[:len(prefix)] == prefix:
                pieces = pieces[len(prefix):]
            text_pieces = [p for p in pieces if p not in frame.drop]
            text = model.tokenizer.decode(text_pieces).strip(" ")
            if not hypotheses:
                best_pieces, clean = pieces, len(text_pieces) == len(pieces)
            if text not in hypotheses:
                hypotheses.append(text)
        alignment = gap = None
        if result.attention:  # type: ignore[attr-defined]
            attention = result.attention[0][len(result.hypotheses[0]) - len(best_pieces):]  # type: ignore[attr-defined]
            if frame.before:  # columns of the pieces only, not of the kind's own tokens
                lead, width = len(frame.before), len(source_pieces)
                attention = [row[lead:lead + width] for row in attention]
            # Alignment reads sentencepiece's word marks; other tokenizers offer them.
            word_pieces = getattr(model.tokenizer, "word_pieces", None)
            pieces = word_pieces(source_pieces) if word_pieces else source_pieces
            gap = uncovered_run(pieces, attention)
            if align and clean:
                targets = word_pieces(best_pieces) if word_pieces else best_pieces
                alignment = align_sentence(source, pieces, hypotheses[0], targets, attention,
                                           detokenized=word_pieces is not None)
        return _Sentence(hypotheses or [""], alignment, gap)

    def _assemble(self, layout: list[Piece], outcomes: dict[str, Outcome],
                  route: Route) -> Translation:
        sentences = [p.text for p in layout if p.is_sentence]
        chains = [[outcomes[s].result] for s in sentences]
        best = [chain[-1].hypotheses[0] for chain in chains]
        output = join_sentences(layout, best)
        alternatives = []
        for rank in range(1, max((len(c[-1].hypotheses) for c in chains), default=1)):
            alt = join_sentences(layout, [c[-1].hypotheses[min(rank, len(c[-1].hypotheses) - 1)]
                                          for c in chains])
            if alt != output and alt not in alternatives:
                alternatives.append(alt)
        spans = _text_spans(layout, output, chains)
        return Translation(output, tuple(alternatives), spans, route.pivot,
                           kept=tuple(s for s in sentences if outcomes[s].kept)
                           + tuple(w for s in sentences for w in outcomes[s].kept_words),
                           suspect=tuple(s for s in sentences if outcomes[s].suspect))


class _Counter:
    def __init__(self, on_progress: ProgressCallback | None, total: int) -> None:
        self.on_progress, self.total, self.done = on_progress, total, 0

    def add(self, count: int) -> None:
        self.done += count
        report(self.on_progress, self.done, self.total, "sentences")


def _chain(sentence: str, hops: list[dict[str, _Sentence]]) -> list[_Sentence]:
    chain, current = [], sentence
    for hop in hops:
        result = hop[current]
        chain.append(result)
        current = result.hypotheses[0]
    return chain


def _end_to_end(chain: list[_Sentence]) -> _Sentence:
    """A unit's last-hop hypotheses with alignment rows pointing at the unit itself."""
    last = chain[-1]
    gaps = [hop.gap for hop in chain if hop.gap is not None]
    return _Sentence(last.hypotheses, None if last.alignment is None else _compose(chain),
                     max(gaps) if gaps else None)


def _options_key(hop: Hop, options: TranslationOptions) -> str:
    """Everything besides the model and the sentence that changes an output: the pair
    (one multilingual package serves many) and the decoding options."""
    return (f"{hop.source}>{hop.target}"
            f"b{options.beam_size}n{options.num_alternatives}u{int(options.replace_unknowns)}"
            f"l{options.length_ratio},{options.length_extra},{options.length_penalty}"
            f"r{options.repetition_penalty}"
            f"g{options.no_repeat_ngram_size}p{hop.package.info.target_prefix}"
            # Terms never reach the model today, but whatever carries them must not be
            # answered from a cache filled without them (or with other terms).
            + (f"G{options.glossary.digest}" if options.glossary else ""))


def _text_spans(layout: list[Piece], output: str, chains: list[list[_Sentence]]) -> tuple[Span, ...]:
    """Sentence-level alignment rows shifted to positions in the whole text."""
    if any(chain[-1].alignment is None for chain in chains):
        return ()
    spans: list[Span] = []
    src_pos, out_pos, sentence_index = 0, 0, 0
    for piece in layout:
        if piece.is_sentence:
            chain = chains[sentence_index]
            best = chain[-1].hypotheses[0]
            out_pos = output.find(best, out_pos)
            rows = _compose(chain)
            spans.extend(Span(src_pos + a, src_pos + b, out_pos + c, out_pos + d)
                         for a, b, c, d in rows)
            out_pos += len(best)
            sentence_index += 1
        src_pos += len(piece.text)
    return tuple(spans)


def _compose(chain: list[_Sentence]) -> list[SpanRow]:
    """Alignment through a pivot: target → English span → source span."""
    rows = list(chain[-1].alignment or [])
    for earlier in reversed(chain[:-1]):
        mapped = []
        for a, b, c, d in rows:
            hits = [r for r in earlier.alignment or [] if r[2] < b and a < r[3]]
            if hits:
                mapped.append([min(r[0] for r in hits), max(r[1] for r in hits), c, d])
        rows = mapped
    return rows


