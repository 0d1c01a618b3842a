# The portal's commands. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEBIAN_TEST_PACKAGES := chromium poppler-utils tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng gettext openjdk-17-jre-headless
DEBIAN_RUN_PACKAGES := poppler-utils tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng

.PHONY: run test test-search-es lint check bench bench-postgres messages system-packages system-test-packages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

# Debian packages, installed only when missing (needs root or sudo).
system-packages:
	@./scripts/apt-ensure $(DEBIAN_RUN_PACKAGES)

system-test-packages:
	@./scripts/apt-ensure $(DEBIAN_TEST_PACKAGES)

run: $(VENV)/.installed
	@./scripts/apt-ensure $(DEBIAN_RUN_PACKAGES) || echo "Without poppler/Tesseract, document text extraction is limited."
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --if-empty
	@echo "Portal: http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@bash -c 'trap "kill 0" INT TERM EXIT; $(MANAGE) qcluster & $(MANAGE) runserver $(HOST):$(PORT) --noreload & wait'

test: $(VENV)/.installed-test system-test-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=portal.settings.test DATABASE_URL=sqlite:///:memory: $(MANAGE) check
	DJANGO_SETTINGS_MODULE=portal.settings.test DATABASE_URL=sqlite:///:memory: $(MANAGE) makemigrations --check --dry-run

bench: $(VENV)/.installed-test
	$(PY) -m benchmarks.run

# The same on PostgreSQL (a database named bench, emptied first): docs/benchmarks-postgresql.md.
bench-postgres: $(VENV)/.installed-test
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench} $(PY) -m benchmarks.run

# Regenerate the French catalogues after adding strings, then translate and compile.
messages: $(VENV)/.installed
	./scripts/make-messages

clean:
	rm -rf $(VENV) db.sqlite3 media-test .pytest_cache

# The search suite against a real Elasticsearch as well: ELASTICSEARCH_URL=http://localhost:9200 make test-search-es
test-search-es: $(VENV)/.installed-test system-test-packages
	@test -n "$(ELASTICSEARCH_URL)" || (echo "Set ELASTICSEARCH_URL, e.g. http://localhost:9200" && exit 1)
	ELASTICSEARCH_URL=$(ELASTICSEARCH_URL) $(VENV)/bin/pytest tests/test_search.py tests/test_search_relevance.py -k elasticsearch $(PYTEST_ARGS)
