#!/usr/bin/env bash
# Check a built bundle the way a user would meet it, with nothing from this checkout on
# its path and a throwaway data folder:
#
#   packaging/smoke_test.sh [BUNDLE_DIR] [PACKAGE.argosmodel]
#
# BUNDLE_DIR defaults to dist/offline-nlp. The package defaults to the en→xl fixture
# (tests/fixtures/packages/translate-en_xl-1_0.argosmodel), whose exact output is known;
# any other package is only checked to translate without error. Exit 0 = all passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUNDLE="${1:-dist/offline-nlp}"
[ -d "$BUNDLE" ] || { echo "FAIL: no bundle at $BUNDLE (build with packaging/build.sh)" >&2; exit 1; }
BUNDLE="$(cd "$BUNDLE" && pwd)"
FIXTURE="$ROOT/tests/fixtures/packages/translate-en_xl-1_0.argosmodel"
PACKAGE="$(realpath -m "${2:-$FIXTURE}")"
EXE="$BUNDLE/offline-nlp"
PYTHON="${PYTHON:-python3}"
TEXT="The old house."

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

[ -x "$EXE" ] || fail "no executable at $EXE (build with packaging/build.sh)"
home="$(mktemp -d)"
cleanup() { rm -rf "$home" "$BUNDLE/portable" "$BUNDLE/data"; }
trap cleanup EXIT
export OFFLINE_NLP_HOME="$home" QT_QPA_PLATFORM=offscreen PYTHONPATH=
unset OFFLINE_NLP_PACKAGES OFFLINE_NLP_INDEX_URL ARGOS_PACKAGES_DIR
cd "$home"  # the bundle must not rely on the checkout being the working directory

expected_version="offline-nlp $(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/offline_nlp/_version.py")"
version="$("$EXE" --version 2>&1)" || fail "--version exited $?"
[ "$version" = "$expected_version" ] || fail "--version printed '$version', expected '$expected_version'"
ok "--version: $version"

for cmd in translate packages doctor gui serve; do
    "$EXE" "$cmd" --help >/dev/null || fail "'$cmd --help' failed"
done
ok "subcommand help"

"$EXE" doctor --json > doctor.json || fail "doctor exited $?"
grep -q '"frozen": true' doctor.json || fail "doctor does not report a frozen app"
grep -q '"language_detector": "py3langid' doctor.json || fail "detector missing from the bundle"
ok "doctor"

[ -f "$PACKAGE" ] || fail "package $PACKAGE not found (build the fixtures: tests/fixtures/build.py)"
"$EXE" packages install "$PACKAGE" || fail "install of $PACKAGE failed"
pair="$(basename "$PACKAGE" | sed -n 's/^translate-\([a-z]*\)_\([a-z]*\)-.*/\1 \2/p')"
read -r src tgt <<< "$pair"
out="$("$EXE" translate --from "$src" --to "$tgt" --text "$TEXT")" || fail "translate exited $?"
if [ "$PACKAGE" = "$FIXTURE" ]; then
    expected="$(cd "$ROOT" && "$PYTHON" -c 'import sys; sys.path.insert(0, "tests/fixtures"); import synthetic; print(synthetic.translate_text("The old house.", "en", "xl"))')"
    [ "$out" = "$expected" ] || fail "translation '$out', expected '$expected'"
else
    [ -n "$out" ] || fail "empty translation"
fi
ok "translate $src→$tgt: $TEXT → $out"

if [ "$src" = en ]; then
    auto="$("$EXE" translate --from auto --to "$tgt" --text "$TEXT Where is the station?" 2>auto.err)" \
        || fail "--from auto exited $?: $(cat auto.err)"
    grep -q "($src, " auto.err || fail "--from auto did not report $src: $(cat auto.err)"
    ok "--from auto: $(cat auto.err)"
fi

# The local server (browser extension, LibreTranslate clients) answers from the bundle.
port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$EXE" serve --port "$port" > serve.log 2>&1 &
serve_pid=$!
served="$("$PYTHON" - "$port" "$src" "$tgt" "$TEXT" <<'PY'
import json, sys, time, urllib.request
port, source, target, text = sys.argv[1:]
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/translate", headers={"Content-Type": "application/json"},
    data=json.dumps({"q": text, "source": source, "target": target}).encode())
for _ in range(100):  # the server starts in the background: wait until it listens
    try:
        print(json.load(urllib.request.urlopen(request, timeout=30))["translatedText"])
        break
    except OSError:
        time.sleep(0.2)
PY
)"
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true
[ "$served" = "$out" ] || fail "serve answered '$served', expected '$out': $(tail -3 serve.log)"
ok "serve: /translate → $served"

# Portable mode: a 'portable' marker next to the executable moves the data beside it.
touch "$BUNDLE/portable"
portable="$(env -u OFFLINE_NLP_HOME "$EXE" doctor --json)" || fail "portable doctor exited $?"
grep -q "\"packages\": \"$BUNDLE/data/data/packages\"" <<< "$portable" \
    || fail "portable marker ignored"
rm -f "$BUNDLE/portable"
ok "portable mode"

if [ -x "$BUNDLE/offline-nlp-gui" ]; then
    set +e
    timeout 8 "$BUNDLE/offline-nlp-gui" > gui.log 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 124 ] || fail "offline-nlp-gui exited $rc within 8 s: $(tail -5 gui.log)"
    ok "offline-nlp-gui starts (offscreen, still running after 8 s)"
fi
echo "smoke test passed"
