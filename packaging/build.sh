#!/usr/bin/env bash
# Build the Linux bundle dist/offline-nlp/ (PyInstaller onedir) from this checkout.
#
#   packaging/build.sh                 # venv .venv-build (created once), then build
#   BUILD_VENV=/tmp/b packaging/build.sh
#
# PyInstaller never enters the project's .venv: it gets its own environment with the
# project installed (non-editable) with the gui and documents extras.
# Prints the time taken and the bundle size. Then run packaging/smoke_test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${BUILD_VENV:-.venv-build}"
PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"

start=$(date +%s)
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
"$VENV/bin/python" -m pip install --quiet "$PYINSTALLER_SPEC" ".[gui,documents,server]"
installed=$(date +%s)

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/offline-nlp.spec
cp resources/offline-nlp.desktop dist/offline-nlp/
done_at=$(date +%s)

echo "environment: $((installed - start)) s, PyInstaller: $((done_at - installed)) s"
echo "bundle: $(du -sh dist/offline-nlp | cut -f1) in dist/offline-nlp/ ($(find dist/offline-nlp -type f | wc -l) files)"
echo "executables: $(cd dist/offline-nlp && ls offline-nlp offline-nlp-gui 2>/dev/null | tr '\n' ' ')"
