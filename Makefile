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

run: $(STAMP)
	$(BIN)/python -m offline_nlp.demo

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
	$(PARITY)/bin/python -m pytest -p no:qt -o addopts='' tests/parity

bench: $(STAMP)
	$(BIN)/python bench/translate.py

clean:
	rm -rf $(VENV) $(PARITY) build *.egg-info
