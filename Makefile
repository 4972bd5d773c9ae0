# Mitra Graduasi: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi
TRANSLATIONS := matchmaker/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
# The access log names the path but never the query string: a search by NIK or name must not
# end up in a log file.
ACCESS_LOG_FORMAT := '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# Sync workers, so that --timeout ends any request running longer than 60 s (with --threads
# it would only notice a frozen worker); a 50,000-row import takes up to 40 s on a busy
# machine. --max-requests restarts each worker now and then, so memory taken by one large
# request goes back to the system.
GUNICORN_LIMITS := --timeout 60 --graceful-timeout 10 --max-requests 1000 --max-requests-jitter 100

.PHONY: run test lint translations extract-messages serve setup demo-data clean load-test load-profile security-scan page-weight offline-size

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

$(VENV)/.requirements: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt requirements.txt $(VENV)/.requirements
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

%.mo: %.po $(VENV)/.requirements
	$(BIN)/pybabel compile --use-fuzzy=false -i $< -o $@ 2>/dev/null || $(BIN)/pybabel compile -i $< -o $@

translations: $(MO_FILES)

instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

instance/demo_password:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print('demo-' + secrets.token_urlsafe(6))" > $@
	chmod 600 $@

setup: $(VENV)/.requirements translations instance/secret_key instance/demo_password
	$(BIN)/flask db upgrade
	$(BIN)/flask seed regions
	$(BIN)/flask seed skills
	DEMO_PASSWORD="$$(cat instance/demo_password)" $(BIN)/flask seed demo

run: setup
	@echo
	@echo "Mitra Graduasi is at http://127.0.0.1:$(PORT)"
	@echo "Demo logins (password: $$(cat instance/demo_password)):"
	@echo "  admin@demo.test, koordinator@demo.test,"
	@echo "  pendamping1@demo.test … pendamping3@demo.test (facilitators),"
	@echo "  usaha1@demo.test … usaha40@demo.test (businesses), desa1@demo.test … desa10@demo.test (village offices)"
	@echo
	@echo "Background jobs: a task worker runs beside the web server (README: Background jobs)."
	@# The wrapper starts `flask worker` beside gunicorn and stops it when gunicorn stops (Ctrl-C).
	$(BIN)/python -m matchmaker.tasks.beside \
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers 3 $(GUNICORN_LIMITS) --access-logfile - \
		--access-logformat $(ACCESS_LOG_FORMAT) wsgi:app

test: $(VENV)/.requirements-dev translations
	MATCHMAKER_TEST_BACKEND=sqlite $(BIN)/python -m pytest -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the suite again, on PostgreSQL =="; \
		MATCHMAKER_TEST_BACKEND=postgresql $(BIN)/python -m pytest -p no:cacheprovider; \
	else echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (CI sets it)."; fi
	$(BIN)/ruff check .

# Not part of `make test`: builds a 100,000-household district on a PostgreSQL of its own
# (first run ~3 min), then 20 users for 3 minutes (LOAD_USERS, LOAD_DURATION; FAULT=1 for the
# database-restart phase). See tests/load/run.py --help.
load-test: $(VENV)/.requirements-dev translations
	FAULT=$(FAULT) $(BIN)/python tests/load/run.py

# Not part of `make test`: each page of the load scenario profiled in-process (pyinstrument,
# SQL statements counted) against the district `make load-test` built; writes PROFILE_OUT
# (tests/load/profiles/latest.md). See tests/load/profile_pages.py --help.
load-profile: $(VENV)/.requirements-dev translations
	$(BIN)/python tests/load/profile_pages.py

# Not part of `make test`: bytes and load time of the ten most-used pages on an emulated
# 400 kbps / 400 ms link, in headless Chromium against the demo district (tests/load/page_weight.py).
page-weight: $(VENV)/.requirements-dev translations
	$(BIN)/python tests/load/page_weight.py

# Not part of `make test`: bytes a facilitator's phone keeps for offline reading (250 households)
# and the time to refresh them on an emulated 400 kbps / 400 ms link (tests/load/offline_size.py).
offline-size: $(VENV)/.requirements-dev translations
	WORKER_WARM=0 $(BIN)/python tests/load/offline_size.py

# Not part of `make test`: sqlmap and wapiti (installed from Debian if missing) against the demo
# district on a throwaway database, logged in; fails on any finding of medium severity or above.
security-scan: $(VENV)/.requirements translations
	$(BIN)/python tests/security/scan.py

lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check .

extract-messages: $(VENV)/.requirements
	$(BIN)/pybabel extract -F $(TRANSLATIONS)/babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance/matchmaker.sqlite3 instance/tasks.sqlite3*
