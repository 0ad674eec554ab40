# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt 2>/dev/null | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: run serve test lint format translations screenshots check-python check-pango clean

# The quick start is development: DEBUG on, and a secret that is no secret (only here and in
# tests/settings.py). Production refuses to start without its own (README, Production).
run: export DJANGO_DEBUG = 1
run: export DJANGO_SECRET_KEY ?= development-only-not-secret
# The quick start seals Bloemendaal's signed decisions with a throwaway demo certificate.
run: export RAADSVOORSTEL_SEAL_GM0377_PKCS12 ?= var/demo-seal-GM0377.p12
run: export RAADSVOORSTEL_SEAL_GM0377_PASSPHRASE ?= demo-zegel
# Notices are mailed to the console in the quick start.
run: export DJANGO_EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
run: $(STAMP) check-pango
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	@echo "Raadsvoorstel draait op http://$(HOST)/ (beheer: http://$(HOST)/admin/)"
	@# The worker archives signed decisions in the background; it stops with the server.
	$(BIN)/python manage.py worker --interval 1 --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST)

# The production stack on this machine: gunicorn (raadsvoorstel/gunicorn_conf.py: 2 × cores
# + 1 workers, 60 s timeout) with WhiteNoise serving the collected static files, and the
# background worker beside it; both stop with Ctrl-C. Reads its settings from the
# environment and refuses to start without them (README, Production).
serve: export HOST := $(HOST)
serve: $(STAMP) check-pango
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Raadsvoorstel (productie) luistert op $(HOST)"
	$(BIN)/python manage.py worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --config python:raadsvoorstel.gunicorn_conf raadsvoorstel.wsgi

test: $(STAMP) check-pango
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Retakes the README's tour (docs/screenshots) with the browser tests.
screenshots: $(STAMP)
	RAADSVOORSTEL_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The .mo files in locale/ are committed; after editing a .po, this recompiles them in Python
# (no GNU gettext needed), and tests/test_dutch.py fails until it has.
translations: $(STAMP)
	$(BIN)/python manage.py compile_translations

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
	  echo "Python 3.12 or newer is needed: install it (Debian: apt-get install python3.12 python3.12-venv) or run 'make PYTHON=/path/to/python3.12 ...'."; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Python's venv module is missing: install it (Debian: apt-get install python3-venv)."; exit 1; }

# WeasyPrint renders the PDFs through Pango, a system library.
check-pango: $(STAMP)
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
	  echo "WeasyPrint needs Pango: install it (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)."; exit 1; }

# The virtualenv is rebuilt when requirements.txt changes; pins and hashes come from it.
$(STAMP): requirements.txt | check-python
	rm -f $(VENV)/.installed-*
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
