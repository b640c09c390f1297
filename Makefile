# Two commands matter: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION ?= 3.10.13
VENV   := .venv
PY     := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export ACTION_SERVER_URL ?= http://localhost:5055/webhook

PIPELINE := build/spacy/les_en/meta.json
PIPELINE_INPUTS := $(wildcard bot/language/*.py) data/lexicon/concepts.yml bot/safety/red_flags.yml

.PHONY: help install pipeline train run test lint validate unit integration eval lock clean \
        bench soak profile test-scale scale-deps

help:
	@echo "make run    install, build the spaCy pipeline, train if needed, start the bot"
	@echo "make test   lint, validate the data, unit and integration tests"
	@echo "make eval   held-out evaluation against a running bot + NLU cross-validation"
	@echo "make bench  our bot vs a stock Rasa bot at 1/16/64 conversations (reports/bench/)"
	@echo "make soak   our bot at 16 conversations for 10 minutes: errors and memory over time"
	@echo "make profile  where a message's time goes in the Rasa server (pyinstrument)"
	@echo "make test-scale  two Rasa servers behind HAProxy, faults, fuzzing (real processes)"

# --- install -----------------------------------------------------------------------
$(VENV)/bin/activate:
	@py="$$(pyenv root 2>/dev/null)/versions/$(PYTHON_VERSION)/bin/python"; \
	 [ -x "$$py" ] || py="$$(command -v python3.10)"; \
	 [ -n "$$py" ] || { echo "Python 3.10 is required (Rasa 3.6 needs < 3.11): pyenv install $(PYTHON_VERSION)"; exit 1; }; \
	 echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV)

$(VENV)/.installed: requirements.txt constraints.txt | $(VENV)/bin/activate
	@echo "installing Python dependencies (first time: a few minutes) ..."
	$(PY) -m pip install --quiet --upgrade pip==24.0
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

install: $(VENV)/.installed

lock: | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip freeze --exclude-editable > constraints.txt

# --- build -------------------------------------------------------------------------
$(PIPELINE): $(VENV)/.installed $(PIPELINE_INPUTS)
	$(PY) -m bot.language.pipeline

pipeline: $(PIPELINE)

train: $(PIPELINE)
	@$(PY) -m bot.ops.train >/dev/null

# --- run ---------------------------------------------------------------------------
run: train
	@$(PY) -m bot.ops.run --model "$$($(PY) -m bot.ops.train --path)"

# --- test --------------------------------------------------------------------------
lint: install
	$(VENV)/bin/ruff check bot actions tests bench

validate: install
	$(VENV)/bin/rasa data validate --fail-on-warnings --quiet

unit: $(PIPELINE)
	$(PY) -m pytest -q tests/unit

integration: train
	$(PY) -m pytest -q tests/integration

test: lint validate train
	$(PY) -m pytest -q tests --ignore=tests/scale

# --- scale, faults, speed ------------------------------------------------------------
# HAProxy, and the PostgreSQL and Redis servers the scale tests run privately, from
# Debian's packages; installs only what is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
scale-deps:
	@missing=""; \
	 command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	 command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	 ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	 if [ -n "$$missing" ]; then \
	   echo "installing$$missing (apt-get) ..."; \
	   $(SUDO) apt-get update -qq && \
	   $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	 fi

test-scale: train scale-deps
	$(PY) -m pytest -q tests/scale

bench: train
	$(PY) -m bench compare $(BENCH_ARGS)

soak: train
	$(PY) -m bench soak $(SOAK_ARGS)

profile: train
	$(PY) -m bench profile $(PROFILE_ARGS)

eval: train
	$(PY) -m tests.eval.run_eval_all

clean:
	rm -rf build models results reports
