# Two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install run test lint format messages clean bench profile rush scaleout nginx-check

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Speed at national scale on PostgreSQL + Redis + gunicorn (docs/benchmarks.md). Quick run:
# make bench BENCH_SIZES=300 BENCH_SECONDS=5
BENCH_SIZES ?= 3000,40000
BENCH_SECONDS ?= 20
bench: install
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_SECONDS="$(BENCH_SECONDS)" $(PY) bench/run.py

# Where a benchmark page spends its time (pyinstrument; reports in /tmp/kiks-profile).
PROFILE_N ?= 3000
PROFILE_PAGES ?=
profile: install
	$(PY) bench/profile.py $(PROFILE_N) $(PROFILE_PAGES)

# The deadline rush: 50 operators submitting and 5 judges scoring for 60 s (docs/benchmarks.md).
rush: install
	$(PY) scripts/rush.py

# Two app servers sharing PostgreSQL, Redis and the media storage (run by .ci/run).
scaleout: install
	$(PY) scripts/scaleout_check.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (msgfmt); the compiled catalogues are committed so `make run` does not.
messages: install
	DEBUG=true $(PY) manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=static/vendor
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3

# The production stack behind the shipped nginx site (deploy/), over HTTPS (run by .ci/run).
nginx-check: install
	$(PY) scripts/nginx_check.py
