# Two commands set everything up: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
# Exact versions of everything `make` installs (runtime + dev tools); deploy/ uses requirements.lock,
# the same pins without the dev tools. Remake both when pyproject.toml changes (scripts/lock.sh).
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) 2>/dev/null | cksum | cut -d' ' -f1)
PORT ?= 8000

.PHONY: install venv run test lint format messages clean bench profile rush scaleout lock nginx-check

# A working virtual environment: made when missing, made again when half-made or broken (a
# failed earlier attempt, a Python upgraded underneath it), with a clear word when Python's
# venv module is not installed (Debian and Ubuntu ship it apart: python3-venv).
venv:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it (Debian/Ubuntu: apt install python3 python3-venv), or run make PYTHON=/path/to/python3.11"; exit 1; }
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  if [ -d $(VENV) ]; then echo "$(VENV) is broken or half-made: making it again"; rm -rf $(VENV); fi; \
	  $(PYTHON) -m venv $(VENV) >/dev/null 2>&1 || { rm -rf $(VENV); \
	    echo "Could not create $(VENV): Python's venv module is missing."; \
	    echo "On Debian/Ubuntu: sudo apt install python3-venv   (then run make again)"; exit 1; }; \
	fi

$(STAMP): pyproject.toml $(LOCK)
	@$(MAKE) --no-print-directory venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# The e-mail worker (manage.py db_worker: the outbox, docs/architecture.md) runs in the background
# beside the development server and stops with it.
run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_demo
	DEBUG=true $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

# -rs: every skipped test says why (no Chromium, no nginx, ...).
test: install
	$(PY) -m pytest -rs $(PYTEST_ARGS)

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
	DEBUG=true $(PY) manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=static/vendor --ignore=tests --ignore=scripts --ignore=build
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

# Remake the lock files from pyproject.toml in fresh environments (needs the package index).
lock:
	scripts/lock.sh "$(PYTHON)"

clean:
	rm -rf $(VENV) db.sqlite3

# The production stack behind the shipped nginx site (deploy/), over HTTPS (run by .ci/run).
nginx-check: install
	$(PY) scripts/nginx_check.py
