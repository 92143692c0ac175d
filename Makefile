# The user's entry points. Every target bootstraps .venv from pyproject.toml first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCE ?= source
BUILD  ?= build
BOOK   := $(BIN)/book --source $(SOURCE) --build $(BUILD) $(BOOKFLAGS)
STAMP  := $(VENV)/.installed
ACTION_VALIDATOR := .tools/action-validator/node_modules/.bin/action-validator

.PHONY: all epub pdf cover kepub azw3 opds serve check manifest test lint lint-workflows bench tools clean distclean

all: epub pdf

# A virtual environment, reinstalled whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

manifest: $(STAMP)
	$(BOOK) manifest

epub: $(STAMP)
	$(BOOK) epub

pdf: $(STAMP)
	$(BOOK) pdf

kepub: $(STAMP)
	$(BOOK) kepub

# Kindle's own format, converted by calibre (`make tools` installs it).
azw3: $(STAMP)
	$(BOOK) azw3

# Lists what is already built: run it after epub, kepub and pdf (`make epub kepub opds`).
opds: $(STAMP)
	$(BOOK) opds

# The catalog and its books over HTTP for e-readers on this network; Ctrl-C stops it.
PORT ?= 8000
serve: $(STAMP)
	$(BOOK) serve --port $(PORT)

# The full-wrap print cover, its guides template and JSON; builds the interior first if needed.
cover: $(STAMP)
	$(BOOK) cover

check: $(STAMP)
	$(BOOK) check

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check book tests
	$(BIN)/ruff format --check book tests
	$(BIN)/mypy book
	$(MAKE) --no-print-directory lint-workflows

# Every GitHub workflow this project ships, and the one `book new` writes, against GitHub's
# workflow schema (GitHub itself is not reachable from CI). .ci/setup-lint.sh installs the validator.
lint-workflows: $(STAMP)
	bash .ci/setup-lint.sh
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/book new "$$tmp/new-book" --title "A New Book" --author "An Author" >/dev/null && \
	for workflow in .github/workflows/*.yml "$$tmp"/new-book/.github/workflows/*.yml; do \
		$(ACTION_VALIDATOR) "$$workflow" || { echo "action-validator: $$workflow is invalid" >&2; exit 1; }; \
	done && echo "action-validator: every workflow is valid"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m book.bench

# System tools for the validators and visual checks (root on Debian): poppler, calibre,
# chromium, fonts, and DAISY Ace in .tools/. CI runs the same scripts.
tools:
	for setup in .ci/setup-*.sh; do bash $$setup || exit 1; done

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV)
