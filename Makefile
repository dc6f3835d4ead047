# The two set-up commands of the README: `make run` and `make test`.
# Both create the virtual environment and install what they need.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=

.PHONY: run test install install-test browser lint format typecheck messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Two stamps: the runtime dependencies (make run), and those plus the dev extras
# (make install/test/lint/typecheck). Installing the extras renews the runtime
# stamp too, so make run after make test installs nothing.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-runtime

.PHONY: install-runtime
install: $(VENV)/.installed-dev
install-runtime: $(VENV)/.installed-runtime

## make run: migrate, load demo data, start web + Celery worker + beat (Ctrl-C stops all)
run: install-runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

## make test: the whole test suite (SQLite by default; DATABASE_URL/REDIS_URL switch it)
test: install browser
	$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

## make test-dates: the non-browser suite on SQLite with the clock moved by libfaketime to
## each hard day of scripts/hard_days.py in turn (HARD_DAYS=random: one drawn at random,
## as CI does; or one instant in UTC, e.g. HARD_DAYS=2026-12-31T22:30:00Z)
HARD_DAYS ?= all
.PHONY: test-dates
test-dates: install browser
	env -u DATABASE_URL -u REDIS_URL $(PY) scripts/hard_days.py run $(HARD_DAYS) -- \
		$(BIN)/pytest -q -m 'not browser' -p no:cacheprovider $(PYTEST_ARGS)

## Debian's Chromium for the browser tests (Playwright's own browser download does not
## work offline), GNU gettext, which the translation test runs, Java for the
## Nu HTML Checker over the pages the browser tests saw, and libfaketime for
## `make test-dates`
browser:
	@if [ ! -x /usr/bin/chromium ] || ! command -v xgettext >/dev/null || ! command -v java >/dev/null || ! command -v faketime >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium gettext default-jre-headless faketime >/dev/null; \
	fi

## make lint: ruff, and the apps' layers (import-linter, [tool.importlinter] in pyproject.toml)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy accounts core groups decisions organisations places interest pledges joining meetings notifications monitoring directory feedback board privacy demo selvhjelp

## make fuzz: the property-based tests with a fresh seed and more examples (the suite
## itself uses the fixed seed of the "ci" profile); make fuzz SEED=<n> replays a run
.PHONY: fuzz
FUZZ_EXAMPLES ?= 100
fuzz: install
	@seed="$(SEED)"; [ -n "$$seed" ] || seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "hypothesis seed $$seed (replay: make fuzz SEED=$$seed)"; \
	HYPOTHESIS_PROFILE=fuzz FUZZ_MAX_EXAMPLES=$(FUZZ_EXAMPLES) API_FUZZ_MAX_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/pytest -m hypothesis --hypothesis-seed=$$seed $(PYTEST_ARGS); status=$$?; \
	echo "hypothesis seed was $$seed"; exit $$status

## make messages: update the Bokmål and Nynorsk catalogues from the code, then compile them
## (translate every new or fuzzy entry in between: docs/translation.md)
messages: install
	$(PY) manage.py makemessages --locale nb --locale nn --no-obsolete --ignore ".venv/*" --ignore "bench/*" --ignore "tests/*" --ignore "staticfiles/*" --ignore "var/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
