# The README's two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
PARITY := .venv-parity

.PHONY: run test parity bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Until the desktop app lands: the CLI's help and a real translation with a fixture
# model installed into a throwaway folder (nothing is written to your user folders).
DEMO_TEXT := The old house is near the river. We go home!
run: $(STAMP)
	$(BIN)/offline-nlp --help
	@home=$$(mktemp -d) && export OFFLINE_NLP_HOME=$$home && \
	$(BIN)/offline-nlp packages install tests/fixtures/packages/translate-en_xl-1_0.argosmodel \
		tests/fixtures/packages/translate-en_xz-1_0.argosmodel && \
	echo "$(DEMO_TEXT)" && \
	$(BIN)/offline-nlp translate --from en --to xl --text "$(DEMO_TEXT)" && \
	$(BIN)/offline-nlp translate --from en --to xz --text "$(DEMO_TEXT)"; \
	status=$$?; rm -rf "$$home"; exit $$status

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# argostranslate pulls PyTorch, stanza and spaCy: it gets its own environment and never
# enters the project's. torch 2.13.0 is the local CPU build (others pull gigabytes).
$(PARITY)/.installed: pyproject.toml
	$(PYTHON) -m venv $(PARITY)
	$(PARITY)/bin/python -m pip install --quiet torch==2.13.0
	$(PARITY)/bin/python -m pip install --quiet argostranslate==1.11.0 -e . pytest
	touch $@

parity: $(PARITY)/.installed
	OFFLINE_NLP_REQUIRE_PARITY=1 $(PARITY)/bin/python -m pytest -p no:qt -o addopts="-ra" tests/parity

bench: $(STAMP)
	$(BIN)/python bench/translate.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(PARITY) build *.egg-info
