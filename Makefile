# Everything a fresh machine needs is installed by these targets (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KAFKA_PORT ?= 9092
CLICKHOUSE_TCP_PORT ?= 9000
CLICKHOUSE_HTTP_PORT ?= 8124
SNIPPET := ingest/snippet
NATIVE := ingest/native
CLIENTS := tests/clients
NATIVE_STAMP := $(VENV)/.native
# cargo from PATH, else where rustup puts it
CARGO ?= $(shell command -v cargo 2>/dev/null || ls $$HOME/.cargo/bin/cargo 2>/dev/null)

.PHONY: run test bench up down lint deps venv native kafka-jars clickhouse-server snippet chromium clients clean

## run: the embedded stack in one process (collector, demo shop, spool, loader, chDB, read-only
## SQL endpoint); data under ./data; the first start seeds demo data. Ctrl-C stops it.
run: venv
	env -u CLICKSTREAM_KAFKA CLICKSTREAM_WRITE_KEYS="$${CLICKSTREAM_WRITE_KEYS:-demo:demo-key}" \
		$(BIN)/clickstream serve --demo

## test: every test, against the real Kafka broker, chDB and the 18.16 server
test: deps
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

## bench: the benchmarks in bench/ (figures go to BENCHMARKS.md)
bench: venv
	$(BIN)/python -m bench

## up / down: a real local Kafka broker and ClickHouse server (production code path)
up: deps
	deploy/local/kafka.sh start $(KAFKA_PORT)
	deploy/local/clickhouse-server.sh start $(CLICKHOUSE_TCP_PORT) $(CLICKHOUSE_HTTP_PORT)

down:
	deploy/local/kafka.sh stop
	deploy/local/clickhouse-server.sh stop

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

deps: venv kafka-jars clickhouse-server snippet chromium clients

venv: $(STAMP) native

## native: build and install the optional Rust extension clickstream_native (ingest/native)
## when cargo is present; without it the collector validates every event in Python.
native: $(STAMP)
ifeq ($(CARGO),)
	@echo "cargo not found: clickstream_native not built; the collector validates in Python"
else
native: $(NATIVE_STAMP)
endif

$(NATIVE_STAMP): $(STAMP) $(NATIVE)/Cargo.toml $(NATIVE)/Cargo.lock $(NATIVE)/pyproject.toml \
		$(wildcard $(NATIVE)/src/*.rs)
	$(BIN)/python -m pip install --quiet "maturin>=1.7,<2"
	PATH="$(abspath $(BIN)):$(dir $(CARGO)):$$PATH" \
		$(BIN)/python -m pip install --quiet --no-build-isolation ./$(NATIVE)
	touch $@

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
		echo "installing python3-venv (apt)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

kafka-jars:
	deploy/local/kafka.sh fetch

clickhouse-server:
	deploy/local/clickhouse-server.sh install

## snippet: minify ingest/snippet/t.js into ingest/static/t.min.js (committed; served at /t.js)
snippet: $(SNIPPET)/node_modules/.package-lock.json
	npm --prefix $(SNIPPET) run --silent build

$(SNIPPET)/node_modules/.package-lock.json: $(SNIPPET)/package.json $(SNIPPET)/package-lock.json
	npm --prefix $(SNIPPET) ci --no-audit --no-fund --loglevel=error

## clients: Segment's own JavaScript libraries, which tests point at the collector
clients: $(CLIENTS)/node_modules/.package-lock.json

$(CLIENTS)/node_modules/.package-lock.json: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	npm --prefix $(CLIENTS) ci --no-audit --no-fund --loglevel=error

# The browser tests drive Debian's chromium; Playwright never downloads browsers of its own.
chromium:
	@test -x /usr/bin/chromium || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) .runtime deploy/local/kafka/lib $(SNIPPET)/node_modules $(CLIENTS)/node_modules $(NATIVE)/target
