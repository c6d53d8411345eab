# cxradar — every target sets itself up from nothing but python3, pip and make.
# Set-up is idempotent: the second run only checks stamps (well under a second).
PY      ?= python3
UV_VER  := 0.13.9
TOOLS   := .tools
UV      := $(TOOLS)/bin/uv
VENV    := .venv
STAMP   := $(VENV)/.cxradar-synced
RUN     := $(VENV)/bin
DEMO_DIR ?= demo-output
CHROMIUM := /usr/bin/chromium
# root installs directly (a fresh CI machine); others need sudo
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help setup browser demo test lint typecheck bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VER)

# --compile-bytecode: the packages' .pyc files are written once at install. Without them a machine
# with PYTHONDONTWRITEBYTECODE (or a read-only environment) compiles pandas, scikit-learn and the
# rest from source in every process: 8 s per import of the stack instead of 2 s, paid by the CLI,
# each shard worker and each test subprocess (docs/performance.md).
$(STAMP): $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --extra dev --extra spark --python $(PY) --quiet --compile-bytecode
	$(RUN)/python -m compileall -q -j 0 src
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv from uv.lock (idempotent)

# The report's browser tests drive Debian's Chromium through Playwright (its own browser download
# cannot be used); Noto CJK fonts make the Chinese screenshots readable.
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests (apt-get) ..."
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

browser: $(CHROMIUM)  ## install Debian's chromium for the browser tests (when missing)

demo: $(STAMP)  ## simulate a 50,000-subscriber operator and run the monthly cycle on it
	$(RUN)/cxradar demo --out $(DEMO_DIR)

test: lint $(CHROMIUM)  ## ruff, mypy, the import contracts, then the whole test suite (what CI runs)
	$(RUN)/python -m pytest -n 2 --dist loadfile -q

lint: $(STAMP)  ## ruff, mypy and the import-layer contract
	$(RUN)/ruff check src tests bench
	$(RUN)/ruff format --check src tests bench
	$(RUN)/mypy
	$(RUN)/lint-imports

bench: $(STAMP)  ## the benchmarks in bench/ (print figures; see docs/performance.md)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq wrk; } \
		|| { echo "bench/serve.py needs wrk: apt-get install wrk (as root)"; exit 1; }
	for b in bench/*.py; do $(RUN)/python $$b || exit 1; done

clean:  ## remove the environments and outputs
	rm -rf $(TOOLS) $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache test-artifacts
