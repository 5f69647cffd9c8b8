# The two commands: `make demo` and `make test`. Everything else is what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHILDREN ?= 3000
PORT ?= 8000

.PHONY: setup demo test test-fast bench browser screens clean

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

# The demo runs as production does (DEBUG off, Chinese error pages, CSP) with a secret key and
# field-encryption keys made once for this machine in var/; `SHOUHU_DEBUG=1 make demo` for Django's debug pages. Demo accounts
# sign in with the printed password alone (SHOUHU_DEMO_NO_2FA=1: no TOTP device; never in production).
demo: setup
	@mkdir -p var && test -s var/demo-secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/demo-secret-key
	@for k in field index; do test -s var/demo-$$k-key || $(BIN)/python -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())" > var/demo-$$k-key; done
	SHOUHU_SECRET_KEY="$${SHOUHU_SECRET_KEY:-$$(cat var/demo-secret-key)}" SHOUHU_FIELD_KEYS="$${SHOUHU_FIELD_KEYS:-$$(cat var/demo-field-key)}" \
	SHOUHU_INDEX_KEY="$${SHOUHU_INDEX_KEY:-$$(cat var/demo-index-key)}" SHOUHU_DEMO_NO_2FA=1 $(BIN)/shouhu demo --children $(CHILDREN) --port $(PORT)

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

# Screenshots of the demo (docs/screens/: every demo user's home at 390 and 1280 px; the 使用说明
# pictures under shouhu/static/help/): a small demo county in var/screens.sqlite3, the server on a
# free port, Debian's Chromium. Commit the PNGs it writes. Not part of `make test`.
screens: setup browser
	$(BIN)/pip install -q 'pillow>=10'
	$(BIN)/python tools/screens.py

clean:
	rm -rf $(VENV) node_modules var staticfiles
