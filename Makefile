# `make run` starts the bot (no BOT_TOKEN: the local sandbox); `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test bench catalogs locales

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	$(VENV)/bin/python -m bot.telegram.i18n
	touch $(STAMP)

# The .mo catalogs are built here, never at start-up (the bot only reads locales/).
locales: $(STAMP)
	$(VENV)/bin/python -m bot.telegram.i18n

run: locales
	$(VENV)/bin/talimger run

# Four workers on two cores: most end-to-end tests wait (Telegram's pace, a killed process's lease, a
# subprocess starting) far more than they compute. Tests are handed out one at a time
# (--maxschedchunk 1), the longest first (tests/conftest.py LONG_RUNNING), so no worker is left with
# a queue of long ones; every fixture is per test, the migrated database templates per worker.
test: locales
	$(VENV)/bin/pytest -q -n 4 --dist load --maxschedchunk 1

catalogs: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _:1,1t -k _:1,2 -k __ --no-location --sort-output \
		--project=Talimger --copyright-holder=Talimger -o locales/messages.pot .
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/python -m bot.telegram.i18n
