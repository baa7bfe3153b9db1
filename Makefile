# Two commands for users: `make serve` and `make test`. Everything else is set up on the way.
VENV   := .venv
PY     := $(VENV)/bin/python
PLANKG := $(VENV)/bin/plankg
PYTHON ?= python3

.PHONY: install build serve test bench browser-deps lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

build/plankg.trig: $(VENV)/.installed $(wildcard graph/*.py graph/*.yaml graph/curation/*.yaml graph/sources/*.txt ontology/*.py)
	$(PLANKG) build

build: build/plankg.trig

serve: build
	$(PLANKG) serve --host 127.0.0.1 --port 8000

# Headless Chromium and its driver come from Debian's packages (browser tests need them).
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

test: $(VENV)/.installed browser-deps build
	$(VENV)/bin/pytest -q

bench: build
	$(PY) bench/run.py

clean:
	rm -rf build .pytest_cache
