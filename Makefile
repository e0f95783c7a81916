# Two commands do all the set-up: `make serve` and `make test`.
# Each one creates or refreshes .venv from the pinned requirements first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The tools that run in a browser (mermaid, which draws the diagrams when the
# site is built; axe-core and Lighthouse, which check the pages): pinned in
# package-lock.json and installed into node_modules by `npm ci`.
NODE_STAMP := node_modules/.installed
# Test processes: one per core here. `make test WORKERS=0` runs in one process.
WORKERS ?= 2
# PAGE=<page> or SNIPPET=<path> narrows update-examples and check to the
# snippets in snippets/<page>/, or to one snippet, by their test ids
# (`<page>/NN_<what>.py`, see snippet_id in tests/docs_tree.py).
SELECTED := $(if $(SNIPPET),[$(SNIPPET:snippets/%=%)],$(if $(PAGE),[$(PAGE)/))
# RTT=50ms (or 0.05s) makes `make run` and `make lab` emulate that round-trip
# time: the lab's --rtt, which checks the value.
RTT_OPTION := $(if $(RTT),"--rtt=$(RTT)")
# Stops with a clear message when PAGE or SNIPPET names nothing pytest runs.
CHECK_SELECTION := \
	{ test -z "$(PAGE)" || test -z "$(SNIPPET)" || { echo "give PAGE= or SNIPPET=, not both" >&2; exit 2; }; } && \
	{ test -z "$(PAGE)" || test -d "snippets/$(PAGE)" || { echo "no folder snippets/$(PAGE)/ (PAGE=<page> for docs/<page>.md)" >&2; exit 2; }; } && \
	{ test -z "$(SNIPPET)" || { test -f "$(SNIPPET)" && case "$(SNIPPET)" in snippets/*/*.py|snippets/*/*.console) true;; *) false;; esac; } || \
	  { echo "SNIPPET=snippets/<page>/<file>.py or .console, an existing file" >&2; exit 2; }; }
# Material prints an end-of-life notice on every build; it is not our concern here.
export NO_MKDOCS_2_WARNING := 1
# Some shells set PYTHONDONTWRITEBYTECODE. Then every Python process the suite
# starts (tests, labs, snippets, servers, the build) compiles the project's
# modules from source again, and each pytest process rewrites the asserts of
# every test module again (its collection: 2.4 s of CPU with bytecode, 3.6 s
# without). Bytecode is a cache that Python checks against its source, so it
# is written here.
unexport PYTHONDONTWRITEBYTECODE

.DEFAULT_GOAL := help
.PHONY: help serve test lab run update-examples check renumber matrix bench diagrams audit format lock debian-packages clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The diagrams and the checks need npm (Node.js): sudo apt-get install npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

serve: $(STAMP) $(NODE_STAMP) ## Serve the site on 127.0.0.1:8000, with live reload.
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(STAMP) $(NODE_STAMP) debian-packages ## Run every test: lab, snippets, rules, build, browser.
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

lab: $(STAMP) ## Start the lab on its default ports (Ctrl+C stops): RTT=
	$(BIN)/python -m lab $(RTT_OPTION)

run: $(STAMP) ## Run a snippet on a lab of its own: SNIPPET=<path>, RTT=
	@test -n "$(SNIPPET)" || { echo "usage: make run SNIPPET=snippets/<page>/<file>.py [RTT=50ms]" >&2; exit 2; }
	@$(BIN)/python -m lab.run $(RTT_OPTION) $(SNIPPET)

update-examples: $(STAMP) ## Rewrite outputs (#> lines, transcripts). PAGE=, SNIPPET=
	@$(CHECK_SELECTION)
	$(BIN)/python -m pytest tests/test_snippets.py tests/test_console.py --update-examples -p no:randomly $(if $(SELECTED),-k "$(SELECTED)")

# The quick loop: one page's snippets (or one snippet), the rules on the whole
# tree, and the strict build. `make test` adds the rest and the browser.
check: $(STAMP) $(NODE_STAMP) ## Test one page, rules and strict build: PAGE=, SNIPPET=
	@test -n "$(SELECTED)" || { echo "usage: make check PAGE=<page> or SNIPPET=snippets/<page>/<file>.py" >&2; exit 2; }
	@$(CHECK_SELECTION)
	$(BIN)/python -m pytest -p no:randomly tests/test_snippets.py tests/test_console.py -k "$(SELECTED)"
	$(BIN)/python -m pytest -p no:randomly -q tests/test_structure.py
	@site=$$(mktemp -d) && $(BIN)/mkdocs build --strict --site-dir "$$site"; status=$$?; rm -rf "$$site"; exit $$status

renumber: $(STAMP) ## Number a page's snippets in page order: PAGE=<page>
	@test -n "$(PAGE)" || { echo "usage: make renumber PAGE=<page>, for docs/<page>.md" >&2; exit 2; }
	@$(BIN)/python -m tools.renumber $(PAGE)

matrix: $(STAMP) debian-packages ## Measure the real servers: data/keepalive-matrix.json
	$(BIN)/python -m tools.matrix

bench: $(STAMP) ## Measure: data/bench.json and the charts (minutes)
	$(BIN)/python -m tools.bench
	$(BIN)/python -m tools.bench_report

diagrams: $(STAMP) $(NODE_STAMP) debian-packages ## Draw missing diagrams into diagrams/, drop unused ones.
	$(BIN)/python -m tools.diagrams

# Minutes, not seconds: not part of `make test`. CI runs it after.
audit: $(STAMP) $(NODE_STAMP) debian-packages ## Lighthouse on every page, served with gzip.
	$(BIN)/python -m tools.audit

format: $(STAMP) ## Format and fix the code with the pinned ruff.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-pin requirements.txt from requirements.in.
	rm -rf $(VENV).lock && $(PYTHON) -m venv $(VENV).lock
	$(VENV).lock/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.in
	{ echo "# Generated by 'make lock' from requirements.in. Do not edit by hand."; \
	  $(VENV).lock/bin/python -m pip freeze --exclude-editable; } > requirements.txt
	rm -rf $(VENV).lock

# Debian's packages the tests use, never a downloaded build: Chromium's
# headless shell, in which the browser test loads every built page (see
# tools/chromium.py), the full Chromium for `make audit`, and the real servers
# that servers/registry.py declares. Installed when missing and we are allowed to.
CHROMIUM_PACKAGES := chromium chromium-headless-shell
debian-packages: $(STAMP)
	@missing="$$(for package in $(CHROMIUM_PACKAGES); do dpkg-query -W -f='$${db:Status-Status}' $$package 2>/dev/null | grep -qx installed || echo $$package; done) $$($(BIN)/python -m servers --missing-debian-packages)"; \
	missing=$$(echo $$missing); \
	test -z "$$missing" || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's $$missing for the tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need Debian's $$missing: sudo apt-get install $$missing" >&2; exit 1; \
	  fi; }


clean: ## Remove .venv, the built site and the caches.
	rm -rf $(VENV) node_modules site build .pytest_cache .ruff_cache
