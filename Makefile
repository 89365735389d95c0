# The two commands: `make run` and `make test`. Everything else is a helper of those.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench venv system-packages browser-packages bench-packages migrate demo messages clean

# Debian packages the Python ones need: Pango and HarfBuzz for WeasyPrint (PDF report
# cards), CJK fonts for Chinese in PDFs and in the browser tests' pages. Installed with
# apt-get when missing (as root).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
# The browser tests drive Debian's Chromium at this path (tests/browser/conftest.py).
CHROMIUM ?= /usr/bin/chromium

# `$(call apt_install)`: installs the packages listed in the shell variable `missing` as root
# with apt-get, or, where it cannot (not root, no apt-get), stops at once with the one command
# to run.
define apt_install
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "Installing Debian packages:" $$missing; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
  else \
    echo "Missing Debian packages:" $$missing >&2; \
    echo "Run:  sudo apt-get install -y" $$missing >&2; \
    exit 1; \
  fi; \
fi
endef

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

system-packages:
	@command -v dpkg >/dev/null || exit 0; \
	missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	$(apt_install)

# Chromium for the browser tests, before pytest starts (without it they fail one by one).
browser-packages:
	@missing=$$(test -x $(CHROMIUM) || echo chromium); \
	$(apt_install)

# wrk, the load generator of `make bench`.
bench-packages:
	@missing=$$(command -v wrk >/dev/null || echo wrk); \
	$(apt_install)

venv: system-packages $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

## Run the platform: web on http://127.0.0.1:8000, a Celery worker and beat, demo data.
run: demo
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@$(BIN)/python manage.py demo_logins
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

## Run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: venv browser-packages
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/pytest

## City-scale benchmark on PostgreSQL (issue 13): builds its data set once, writes benchmarks/results/.
bench: venv bench-packages
	$(BIN)/python benchmarks/city_scale.py

messages: venv
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var staticfiles
