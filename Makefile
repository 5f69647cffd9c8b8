# The two commands: `make demo` and `make test`. Everything else is what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHILDREN ?= 3000
PORT ?= 8000

.PHONY: setup demo test test-fast bench browser clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium missing: browser tests will be skipped"; }

demo: setup
	# demo accounts sign in with the printed password alone: no TOTP device to enrol (never set in production)
	SHOUHU_DEMO_NO_2FA=1 $(BIN)/shouhu demo --children $(CHILDREN) --port $(PORT)

test: setup browser
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2

test-fast: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2 -m "not browser"

bench: setup
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python bench/bench_registry.py
	$(BIN)/python bench/bench_import.py --die-rows 10000

clean:
	rm -rf $(VENV) node_modules var staticfiles
