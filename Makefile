# Two commands for users: `make serve` and `make test`. Everything else is set up on the way.
VENV   := .venv
PY     := $(VENV)/bin/python
PLANKG := $(VENV)/bin/plankg
PYTHON ?= python3

.PHONY: install build serve test check bench test-deps vendor-yasgui clean

YASGUI_VERSION := 4.6.2
YASGUI_DIR     := src/plankg/web/static/vendor/yasgui-$(YASGUI_VERSION)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

build/plankg.trig: $(VENV)/.installed $(shell find src/plankg/build src/plankg/ontology -type f)
	$(PLANKG) build

build: build/plankg.trig

serve: build
	$(PLANKG) serve --host $${PLANKG_HOST:-127.0.0.1} --port $${PLANKG_PORT:-8000}

# What the tests start, from Debian's packages: headless Chromium, its driver and a CJK font (the
# pages show Chinese), and Virtuoso (the external SPARQL store of the remote-store tests).
test-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && \
	  command -v virtuoso-t >/dev/null && fc-list :lang=zh family | grep -q "Noto Sans CJK" || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver fonts-noto-cjk virtuoso-opensource-7-bin)

# Re-vendor the workbench's YASGUI from npm (only when upgrading: the files are committed).
# The npm tarball has no licence file, so $(YASGUI_DIR)/LICENSE lives in git (package.json says MIT).
vendor-yasgui:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	npm pack --silent --pack-destination "$$tmp" @zazuko/yasgui@$(YASGUI_VERSION) >/dev/null && \
	tar -xzf "$$tmp"/zazuko-yasgui-$(YASGUI_VERSION).tgz -C "$$tmp" && \
	grep -q '"license": "MIT"' "$$tmp"/package/package.json && \
	mkdir -p $(YASGUI_DIR) && \
	cp "$$tmp"/package/build/yasgui.min.js "$$tmp"/package/build/yasgui.min.css $(YASGUI_DIR)/ && \
	sed -i '/^\/\/# sourceMappingURL=/d' $(YASGUI_DIR)/yasgui.min.js
	@test -f $(YASGUI_DIR)/LICENSE || { echo "add $(YASGUI_DIR)/LICENSE (MIT; copy the previous one)" >&2; exit 1; }
	@echo "YASGUI $(YASGUI_VERSION) vendored in $(YASGUI_DIR)"

test: $(VENV)/.installed test-deps build
	$(VENV)/bin/pytest -q

# The fast lane for the inner loop: no live servers, no browser.
check: $(VENV)/.installed build
	$(VENV)/bin/pytest -q -m "not e2e and not browser" -x

bench: build
	$(PY) bench/run.py

clean:
	rm -rf build .pytest_cache
