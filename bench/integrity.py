"""Nothing lost (issue 9): what the integrity layer saves, and what it costs.

1. **Sentences dropped**, on the trained fixture models whose right answer is known: long
   sentences without punctuation (30-120 words; the models were trained on up to 18)
   between as many ordinary ones (5-15 words),
   with the engine as it is and with the layer switched off (each sentence sent whole
   and not checked, as before issue 9). Counted: sentences not translated exactly,
   words of the right translation missing from the output, outputs that repeat a word
   or phrase the right one does not (loops, doubled outputs), and empty outputs.
   The same for ordinary sentences with an invisible character (zero-width space,
   joiner, BOM, a control character) after a word (issue 19).
2. **Spans kept**: URLs, addresses, paths, code, placeholders, emoji, mentions inside
   ordinary sentences, verbatim and in place with the words around them right, for the
   engine's way (translate the pieces between spans) and for placeholder tokens the
   model is meant to copy (numbers, which the fixtures copy; and ``<x1>``-style tags).
3. **The splitter's speed** and the layer's planning speed, per 10,000 sentences.
5. **Pieces or whole sentences** (issue 19): sentences with spans sent whole, the spans
   put back by the alignment (the engine), or the text between spans sent in pieces
   (the fallback), on the word-for-word fixtures and on ``translate-en_xl-whole``, a
   fixture trained only on whole punctuated sentences as real models are. Counted:
   spans verbatim, sentences exact, words of the right translation missing or extra.
4. **The cost** of items 1-5 together on ``bench/translate.py``'s document and random
   Transformer-base model (fixed 30 output tokens): time in splitting, planning, the
   checks (the attention coverage included) and assembling, as a share of the whole
   engine call (must stay under 5%); and the engine call without the attention the
   coverage check reads (before issue 19 it was asked for only to align formatting).

    .venv/bin/python bench/integrity.py [--sentences 1000] [--beam 2]
    .venv/bin/python bench/integrity.py --pieces-only     # section 5 alone
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import math
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests"), str(ROOT / "tests" / "fixtures")]

import fixed_length  # noqa: E402
import synthetic  # noqa: E402
from common import make_document  # noqa: E402
from helpers import FIXTURE_PAIRS, fixture_package  # noqa: E402

from offline_nlp.engine import Engine, EngineConfig, TranslationOptions  # noqa: E402
from offline_nlp.engine import engine as engine_module  # noqa: E402
from offline_nlp.engine.integrity import spans as spans_module  # noqa: E402
from offline_nlp.engine.integrity.guard import Guard  # noqa: E402
from offline_nlp.engine.integrity.measure import repeats  # noqa: E402
from offline_nlp.engine.protect import is_number  # noqa: E402
from offline_nlp.engine.segmentation import split_text  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402

SPANS = ["https://example.org/a?b=1", "a@b.org", "😊", "👍🏽", "{name}", "%s", "%(count)d",
         "{{var}}", "`make test`", "/usr/local/bin", "~/notes.txt", "C:\\Users\\me\\a.txt",
         "docs/readme.md", "@alice", "#python", "www.example.org"]


@contextlib.contextmanager
def layer_off() -> Iterator[None]:
    """The engine as before issue 9: every sentence one unit, nothing checked."""
    plan, check = spans_module.Planner.plan, Guard._check

    def whole(self, sentences):  # type: ignore[no-untyped-def]
        plans = {s: spans_module.Plan([spans_module.Part(s, 0, "unit")]) for s in sentences}
        self.count(list(plans))
        return plans

    spans_module.Planner.plan = whole  # type: ignore[method-assign]
    Guard._check = lambda self, units, results: set()  # type: ignore[method-assign]
    try:
        yield
    finally:
        spans_module.Planner.plan, Guard._check = plan, check  # type: ignore[method-assign]


def fixture_engine(folder: Path) -> Engine:
    paths = AppPaths.under(folder).ensure()
    manager = PackageManager(paths)
    for pair in FIXTURE_PAIRS:
        manager.install_file(fixture_package(pair))
    return Engine(manager)


def _units(text: str, target: str) -> list[str]:
    return list(text.replace(" ", "")) if target == "xz" else text.split()


def loops(output: str, expected: str) -> bool:
    """The output says something again that the right translation does not."""
    return repeats(output, strict=True) and not repeats(expected, strict=True)


def missing_words(output: str, expected: str, target: str) -> int:
    want, got = _units(expected, target), _units(output, target)
    matched = sum(b.size for b in difflib.SequenceMatcher(None, want, got,
                                                           autojunk=False).get_matching_blocks())
    return len(want) - matched


def dropped(engine: Engine, count: int) -> list[tuple[str, str, int, int, int, int]]:
    rng = random.Random(11)
    words = [w for w in synthetic.ENGLISH_WORDS]
    sentences = ["The " + " ".join(rng.choice(words) for _ in range(rng.randint(30, 120))) + "."
                 for _ in range(count)]
    # among ordinary sentences, as in a document (the guard learns the usual ratio there)
    ordinary = [synthetic.random_sentence(rng, "en", 5, 15) for _ in range(count)]
    sentences = [s for pair in zip(sentences, ordinary) for s in pair]
    rows = []
    options = TranslationOptions(use_cache=False)
    for target in ("xl", "xz"):
        expected = [synthetic.translate_text(s, "en", target) for s in sentences]
        for label, context, limit in (
                ("layer off (before)", layer_off(), 0),
                ("engine (after), limit 150 tokens", contextlib.nullcontext(), 0),
                ("engine, package says 24 tokens", contextlib.nullcontext(), 24)):
            with context:
                outs = [t.text for t in engine.translate_texts(
                    sentences, "en", target, replace(options, max_sentence_tokens=limit))]
            rows.append((f"en→{target}", label, *_counts(outs, expected, target)))
    return rows


def _counts(outs: list[str], expected: list[str], target: str
            ) -> tuple[int, int, int, int, int, int]:
    wrong = sum(o != e for o, e in zip(outs, expected))
    missing = sum(missing_words(o, e, target) for o, e in zip(outs, expected))
    total = sum(len(_units(e, target)) for e in expected)
    looping = sum(loops(o, e) for o, e in zip(outs, expected))
    empty = sum(not o.strip() for o in outs)
    return len(outs), wrong, missing, total, looping, empty


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x07", "\u00ad"]


def invisible(engine: Engine, count: int) -> list[tuple[object, ...]]:
    """Ordinary sentences with an invisible character after a random word; the right
    answer is the translation of the sentence without it (the character, put back
    after the aligned word, is taken out of the output before comparing)."""
    rng = random.Random(17)
    plain = ["The " + " ".join(rng.choice(synthetic.ENGLISH_WORDS)
                               for _ in range(rng.randint(5, 15))) + "." for _ in range(count)]
    sources = []
    for index, sentence in enumerate(plain):
        words = sentence.split(" ")
        at = rng.randint(1, len(words) - 1)
        words[at - 1] += INVISIBLE[index % len(INVISIBLE)]
        sources.append(" ".join(words))
    rows = []
    options = TranslationOptions(use_cache=False)
    for target in ("xl", "xz"):
        expected = [synthetic.translate_text(s, "en", target) for s in plain]
        for label, context in (("layer off (before)", layer_off()),
                               ("engine (after)", contextlib.nullcontext())):
            with context:
                outs = [t.text for t in engine.translate_texts(sources, "en", target, options)]
            kept = sum(o.count(c) == 1 for o, c in zip(
                outs, [INVISIBLE[i % len(INVISIBLE)] for i in range(len(outs))]))
            outs = [o.translate({ord(c): None for c in INVISIBLE}) for o in outs]
            rows.append((f"en→{target}", label, *_counts(outs, expected, target), kept))
    return rows


def span_sentences(count: int) -> list[tuple[str, str, str]]:
    rng = random.Random(5)
    out = []
    for index in range(count):
        before = synthetic.random_sentence(rng, "en", 2, 8)[:-1]
        before = re.sub(r"\s*\d[\d.]*", "", before).strip(" ,") or "The dog"
        after = synthetic.random_sentence(rng, "en", 2, 8)
        after = re.sub(r"\s*\d[\d.]*", "", after).strip(" ,")
        after = after[0].lower() + after[1:]
        out.append((before, SPANS[index % len(SPANS)], after))
    return out


def _same(output: str, expected: str, spans: list[str]) -> bool:
    """Equal, ignoring spaces right beside the spans (a placeholder may lose them)."""
    def squeeze(text: str) -> str:
        for index, span in enumerate(spans):
            text = text.replace(span, f"\x00{index}\x00", 1)
        return re.sub(r"\s*\x00(\d+)\x00\s*", r"<\1>", text)
    return all(output.count(s) == 1 for s in spans) and squeeze(output) == squeeze(expected)


def spans_kept(engine: Engine, count: int) -> list[tuple[str, str, int, int]]:
    items = span_sentences(count)
    rows = []
    options = TranslationOptions(use_cache=False)
    for target in ("xl", "xz"):
        expected = [f"{synthetic.translate_sentence(b, 'en', target)} {s} "
                    f"{synthetic.translate_sentence(a, 'en', target)}" for b, s, a in items]
        sources = [f"{b} {s} {a}" for b, s, a in items]
        outs = [t.text for t in engine.translate_texts(sources, "en", target, options)]
        good = sum(_same(o, e, [s]) for o, e, (_, s, _) in zip(outs, expected, items))
        rows.append((f"en→{target}", "pieces between spans (the engine)", good, len(items)))
        for name, placeholder in (("placeholder: a number (1001)", "1001"),
                                  ("placeholder: a tag (<x1>)", "<x1>")):
            held = [f"{b} {placeholder} {a}" for b, _, a in items]
            with layer_off():
                raw = [t.text for t in engine.translate_texts(held, "en", target, options)]
            outs = [r.replace(placeholder, s, 1) if r.count(placeholder) == 1 else r
                    for r, (_, s, _) in zip(raw, items)]
            good = sum(_same(o, e, [s]) for o, e, (_, s, _) in zip(outs, expected, items))
            rows.append((f"en→{target}", name, good, len(items)))
    return rows


def kept_paragraphs(engine: Engine) -> tuple[int, int]:
    rng = random.Random(3)
    foreign = ["你好，世界。今天很好。", "やめて！と彼女は叫んだ。", "감사합니다. 다음에 봐요."]
    texts = [f"{synthetic.random_sentence(rng, 'en', 3, 10)}\n\n{f}\n\nWe go home."
             for f in foreign * 10]
    results = engine.translate_texts(texts, "en", "xl")
    return sum(f in r.text for f, r in zip(foreign * 10, results)), len(texts)


def splitter_speed(document: str) -> tuple[int, float, float]:
    start = time.perf_counter()
    layout = split_text(document)
    split_seconds = time.perf_counter() - start
    sentences = [p.text for p in layout if p.is_sentence]

    class Words:
        def encode(self, texts: list[str]) -> list[list[str]]:
            return [t.split() for t in texts]

    planner = spans_module.Planner(Words(), frozenset({"Latin"}), 150)
    start = time.perf_counter()
    planner.plan(sentences)
    plan_seconds = time.perf_counter() - start
    return len(sentences), split_seconds, plan_seconds


@contextlib.contextmanager
def timed(spent: dict[str, float]) -> Iterator[None]:
    """Time split_text and the guard's own work (its model calls excluded)."""
    real_split, real_run, real_retry = (engine_module.split_text, Guard.run,
                                        Guard._retry)
    model_time = [0.0]

    def split(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real_split(*args, **kwargs)
        finally:
            spent["split"] = spent.get("split", 0.0) + time.perf_counter() - start

    def run(self, sentences, first):  # type: ignore[no-untyped-def]
        def first_timed(units, *args):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return first(units, *args)
            finally:
                model_time[0] += time.perf_counter() - start
        start = time.perf_counter()
        try:
            return real_run(self, sentences, first_timed)
        finally:
            total = time.perf_counter() - start
            spent["guard"] = spent.get("guard", 0.0) + total - model_time[0]
            model_time[0] = 0.0

    def retry(self, suspects, results):  # type: ignore[no-untyped-def]
        spent["retried"] = spent.get("retried", 0) + len(suspects)
        start = time.perf_counter()
        try:
            return real_retry(self, suspects, results)
        finally:
            spent["retries"] = spent.get("retries", 0.0) + time.perf_counter() - start

    real_coverage = engine_module.uncovered_run

    def coverage(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real_coverage(*args, **kwargs)
        finally:
            spent["coverage"] = spent.get("coverage", 0.0) + time.perf_counter() - start

    engine_module.split_text, Guard.run, Guard._retry = split, run, retry  # type: ignore[method-assign,assignment]
    engine_module.uncovered_run = coverage  # type: ignore[assignment]
    try:
        yield
    finally:
        engine_module.split_text, Guard.run, Guard._retry = (  # type: ignore[method-assign]
            real_split, real_run, real_retry)
        engine_module.uncovered_run = real_coverage


WHOLE_PACKAGE = ROOT / "tests" / "fixtures" / "packages" / "translate-en_xl-whole-1_0.argosmodel"
# Spans of issue 19 besides SPANS: emoji clusters, numbers, words in another script.
MORE_SPANS = ["🇯🇵", "1️⃣", "😊😊", "3.14", "07.05.2024", "10:30", "2.0.1", "+1 (555) 123-4567",
              "北京", "שלום"]


@contextlib.contextmanager
def pieces_between_spans() -> Iterator[None]:
    """The text between spans sent in pieces (the fallback), as before issue 19."""
    spans_module.WHOLE_SENTENCES = False
    try:
        yield
    finally:
        spans_module.WHOLE_SENTENCES = True


def words_wrong(output: str, expected: str, spans: list[str], target: str) -> int:
    """Words of ``expected`` missing from ``output`` plus words ``output`` adds (a model
    ending a fragment with a full stop adds one), the spans left out of both."""
    for span in spans:
        output, expected = output.replace(span, " "), expected.replace(span, " ")
    want, got = _units(expected, target), _units(output, target)
    matched = sum(b.size for b in difflib.SequenceMatcher(None, want, got,
                                                           autojunk=False).get_matching_blocks())
    return len(want) + len(got) - 2 * matched


def pieces_or_whole(count: int) -> list[tuple[str, str, str, int, int, int, int, int]]:
    """Section 5: per model and way, spans verbatim, sentences exact, words wrong."""
    rng = random.Random(19)
    items = [(b, (SPANS + MORE_SPANS)[i % len(SPANS + MORE_SPANS)], a)
             for i, (b, _, a) in enumerate(span_sentences(count))]
    rng.shuffle(items)
    sources = [f"{b} {s} {a}" for b, s, a in items]
    kinds = [("word-for-word", fixture_package(pair), pair) for pair in ("en_xl", "en_xz")]
    if WHOLE_PACKAGE.exists():
        kinds.append(("whole sentences only", WHOLE_PACKAGE, "en_xl"))
    rows = []
    options = TranslationOptions(use_cache=False)
    for label, package, pair in kinds:
        target = pair.split("_")[1]
        wide = target == "xz"
        expected = []
        for b, s, a in items:
            sep = "" if wide and (is_number(s) or s == "北京") else " "
            expected.append(f"{synthetic.translate_sentence(b, 'en', target)}{sep}{s}{sep}"
                            f"{synthetic.translate_sentence(a, 'en', target)}")
        with tempfile.TemporaryDirectory() as tmp:
            manager = PackageManager(AppPaths.under(Path(tmp)).ensure())
            manager.install_file(package)
            engine = Engine(manager)
            for way, context in (("pieces (the fallback)", pieces_between_spans()),
                                 ("whole, spans put back", contextlib.nullcontext())):
                with context:
                    outs = [t.text for t in engine.translate_texts(sources, "en", target,
                                                                   options)]
                verbatim = sum(o.count(s) == 1 for o, (_, s, _) in zip(outs, items))
                exact = sum(o == e for o, e in zip(outs, expected))
                wrong = sum(words_wrong(o, e, [s], target)
                            for o, e, (_, s, _) in zip(outs, expected, items))
                total = sum(len(_units(e.replace(s, " "), target))
                            for e, (_, s, _) in zip(expected, items))
                rows.append((label, f"en→{target}", way, len(items), verbatim, exact, wrong,
                             total))
    return rows


def print_pieces_or_whole(count: int) -> None:
    print("\n## 5. Sentences with spans: pieces or whole sentences, both fixture kinds")
    print("| model | pair | way | sentences | spans verbatim | exact | words wrong | of words |")
    print("|---|---|---|---|---|---|---|---|")
    for row in pieces_or_whole(count):
        print("| " + " | ".join(map(str, row)) + " |")


@contextlib.contextmanager
def attention_off() -> Iterator[None]:
    """The engine without the attention the coverage check reads."""
    real = engine_module.Engine._submit

    def submit(self, model, batch, options, align, *rest):  # type: ignore[no-untyped-def]
        translator = model.translator

        class NoAttention:
            @staticmethod
            def translate_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
                kwargs["return_attention"] = align
                return translator.translate_batch(*args, **kwargs)

        return real(self, replace(model, translator=NoAttention()), batch, options, align, *rest)

    engine_module.Engine._submit = submit  # type: ignore[method-assign]
    try:
        yield
    finally:
        engine_module.Engine._submit = real  # type: ignore[method-assign]


def cost(sentences: int, beam: int, smoke: bool = False, rounds: int = 3) -> dict[str, float]:
    from common import model_package, single_package_engine

    fixed_length.install(3 if smoke else 30)
    package = model_package(smoke)
    text = make_document(sentences, seed=7)  # bench/translate.py's document
    engine = single_package_engine(package, EngineConfig())
    options = TranslationOptions(beam_size=beam, length_penalty=0.2, use_cache=False)
    engine.translate("Warm up.", "en", "xx", options)
    spent: dict[str, float] = {}
    # Alternating rounds, the fastest of each kind: on a busy machine one call can be
    # slower by more than what is measured.
    for _ in range(rounds):
        round_spent: dict[str, float] = {}
        with timed(round_spent):
            start = time.perf_counter()
            engine.translate(text, "en", "xx", options)
            round_spent["total"] = time.perf_counter() - start
        if round_spent["total"] < spent.get("total", math.inf):
            spent.update(round_spent)
        for name, contexts in (("off", [layer_off()]), ("bare", [layer_off(), attention_off()])):
            with contextlib.ExitStack() as stack:
                for context in contexts:
                    stack.enter_context(context)
                start = time.perf_counter()
                engine.translate(text, "en", "xx", options)
                spent[name] = min(spent.get(name, math.inf), time.perf_counter() - start)
    spent["sentences"] = sum(p.is_sentence for p in split_text(text))
    return spent


def quality(long: int, spans: int, document_sentences: int = 10_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = fixture_engine(Path(tmp))
        print("## 1. Long sentences without punctuation (30-120 words) between ordinary ones")
        header = ("| pair | engine | sentences | not exact | words missing | of words | loops "
                  "| empty |")
        print(header + "\n|---|---|---|---|---|---|---|---|")
        for row in dropped(engine, long):
            print("| " + " | ".join(map(str, row)) + " |")
        print("\nOrdinary sentences (5-15 words) with an invisible character after a word")
        print(header + " character kept |\n|---|---|---|---|---|---|---|---|---|")
        for row in invisible(engine, long * 2):
            print("| " + " | ".join(map(str, row)) + " |")
        print("\n## 2. Protected spans inside sentences, fixture models")
        print("| pair | how | right (span verbatim, in place, words around exact) | of |")
        print("|---|---|---|---|")
        for row in spans_kept(engine, spans):
            print("| " + " | ".join(map(str, row)) + " |")
        kept, of = kept_paragraphs(engine)
        print(f"\nChinese/Japanese/Korean paragraphs inside English, kept verbatim: {kept} of {of}")
    document = make_document(document_sentences, seed=7)
    count, split_seconds, plan_seconds = splitter_speed(document)
    scale = 10_000 / count
    print(f"\n## 3. Speed per 10,000 sentences ({count} in the document)")
    print(f"split_text: {split_seconds * scale * 1000:.0f} ms; integrity plan (spans, scripts, "
          f"cutting; word counts instead of a tokenizer): {plan_seconds * scale * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=1000, help="cost: document size")
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="cost: rounds, fastest kept")
    parser.add_argument("--long", type=int, default=40, help="long sentences per pair")
    parser.add_argument("--spans", type=int, default=96, help="span sentences per pair")
    parser.add_argument("--no-cost", action="store_true", help="skip the random-model part")
    parser.add_argument("--cost-only", action="store_true", help="only the random-model part")
    parser.add_argument("--pieces-only", action="store_true", help="only section 5")
    parser.add_argument("--smoke", action="store_true", help="tiny model and sizes")
    args = parser.parse_args()
    if args.smoke:
        args.sentences, args.long, args.spans = 10, 2, 2
    if args.pieces_only:
        print_pieces_or_whole(args.spans * 2)
        return
    if not args.cost_only:
        quality(args.long, args.spans, 200 if args.smoke else 10_000)
        print_pieces_or_whole(args.spans * 2)
    if args.no_cost:
        return
    spent = cost(args.sentences, args.beam, args.smoke, args.rounds)
    layer = spent.get("split", 0.0) + spent.get("guard", 0.0)
    print(f"\n## 4. Cost on bench/translate.py's document ({spent['sentences']:.0f} sentences, "
          f"random Transformer-base, beam {args.beam}, 30 tokens each)")
    print(f"engine call: {spent['total']:.2f} s (layer off: {spent['off']:.2f} s; layer and "
          f"attention off: {spent['bare']:.2f} s); coverage from the attention "
          f"{spent.get('coverage', 0):.3f} s; splitting "
          f"{spent.get('split', 0):.3f} s; planning, checks, assembling "
          f"{spent.get('guard', 0) - spent.get('retries', 0):.3f} s; retries of "
          f"{spent.get('retried', 0):.0f} suspect units {spent.get('retries', 0):.3f} s")
    layer += spent.get("coverage", 0.0)
    print(f"items 1-5 together: {100 * layer / spent['total']:.1f}% of the engine call "
          f"(without retries {100 * (layer - spent.get('retries', 0)) / spent['total']:.1f}%)")


if __name__ == "__main__":
    main()
