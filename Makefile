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
DRUG_NAMES := build/drug_names.txt
# The learned message model: NLU data, its own examples (data/learned/) and the safety
# rounds whose first run is recorded.
MESSAGE_MODEL := build/language/message_model.joblib
MESSAGE_MODEL_INPUTS := bot/language/message_model.py $(wildcard data/nlu/*.yml) $(wildcard data/learned/*.yml) $(wildcard data/learned/authored/*.yml) $(wildcard tests/eval/rounds/*.yml)
WIDGET := build/widget/les-widget.js
NODE_MODULES := widget/node_modules/.package-lock.json
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install pipeline train widget chromium run test check stages lint typecheck patches validate unit \
        integration browser integration-browser \
        screenshot eval context-eval lock clean console-user bench-console bench soak profile test-scale scale-deps

help:
	@echo "make run    install, build the spaCy pipeline, train if needed, start the bot"
	@echo "make test   the CI stages, stopping at the first that fails: lint, typecheck, validate,"
	@echo "            unit, integration-browser (integration and browser tests against real servers)"
	@echo "make check  the quick stages only: lint (ruff), typecheck (mypy), patches, validate, unit"
	@echo "make eval   held-out evaluation against a running bot + NLU cross-validation"
	@echo "make screenshot   a PNG of the widget's demo page with a conversation (build/screenshots/)"
	@echo "make console-user NAME=alice ROLE=admin|reviewer   add a review-console user"
	@echo "make bench-console   time the console's list and filter pages on 10,000 conversations"
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

# Medicine names for the relevance gate, from the drug-named-entity-recognition wheel.
$(DRUG_NAMES): $(VENV)/.installed bot/language/drug_names.py
	$(PY) -m bot.language.drug_names

$(MESSAGE_MODEL): $(VENV)/.installed $(MESSAGE_MODEL_INPUTS)
	$(PY) -m bot.language.message_model

pipeline: $(PIPELINE) $(DRUG_NAMES) $(MESSAGE_MODEL)

train: $(PIPELINE) $(DRUG_NAMES) $(MESSAGE_MODEL)
	@$(PY) -m bot.ops.train >/dev/null

# The web widget: npm packages pinned by widget/package-lock.json, bundled by esbuild.
$(NODE_MODULES): widget/package.json widget/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are needed to build the web widget"; exit 1; }
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WIDGET): $(NODE_MODULES) $(wildcard widget/src/*)
	cd widget && npm run --silent build

widget: $(WIDGET)

# Debian's chromium for the browser tests of the widget and the console (Playwright
# drives it; never `playwright install`, whose browser download fails here).
$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests ..."
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null

chromium: $(CHROMIUM)

# --- run ---------------------------------------------------------------------------
run: train widget
	@$(PY) -m bot.ops.run --model "$$($(PY) -m bot.ops.train --path)"

# --- test --------------------------------------------------------------------------
# Stages, quick ones first; `make test` (and .ci/run) stops at the first that fails.
# `make check` is the quick part, for before a commit. `make test-scale` is CI's last stage.
CHECK_STAGES := lint typecheck patches validate unit
TEST_STAGES  := $(CHECK_STAGES) integration-browser

stages:
	@echo $(TEST_STAGES)

check:
	@set -e; for stage in $(CHECK_STAGES); do \
	   echo "== make $$stage"; $(MAKE) --no-print-directory $$stage; done

test:
	@set -e; for stage in $(TEST_STAGES); do \
	   echo "== make $$stage"; $(MAKE) --no-print-directory $$stage; done

lint: install
	$(VENV)/bin/ruff check bot actions tests bench eval screenshot

# Does each Rasa patch fit the installed Rasa, rasa-sdk and engineio (docs/rasa-patches.md)?
patches: install
	$(PY) -m bot.server.rasa_patches

# mypy.ini says what is checked (bot/, actions/) and how strictly.
typecheck: install
	$(VENV)/bin/mypy

validate: install
	$(VENV)/bin/rasa data validate --data data/nlu data/stories --fail-on-warnings --quiet

unit: $(PIPELINE) $(DRUG_NAMES) $(MESSAGE_MODEL)
	$(PY) -m pytest -q tests/unit

# One pytest run, so the integration and browser tests share the servers they start.
integration-browser: train widget chromium
	$(PY) -m pytest -q tests/integration tests/browser

integration: train widget chromium
	$(PY) -m pytest -q tests/integration

browser: train widget chromium
	$(PY) -m pytest -q tests/browser

screenshot: train widget chromium
	$(PY) -m screenshot

# --- scale, faults, speed ------------------------------------------------------------
# HAProxy, and the PostgreSQL and Redis servers the scale tests run privately, from
# Debian's packages; installs only what is missing.
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

# Reading levels first (reports/readability.md; no bot needed), then the held-out sets.
eval: train
	@$(PY) -m bot.plain.report; status=$$?; $(PY) -m eval.run_eval_all && exit $$status

# --- review console ------------------------------------------------------------------
console-user: install
	@[ -n "$(NAME)" ] && [ -n "$(ROLE)" ] || { echo "usage: make console-user NAME=alice ROLE=admin|reviewer"; exit 2; }
	@$(PY) -m bot.review.cli add-user "$(NAME)" --role "$(ROLE)"

bench-console: install
	$(PY) -m bench.console

clean:
	rm -rf build models results reports

# medspacy's ConText against our context rules on every safety round (issue 12). Only its
# ConText part is installed, into build/ (its full install pulls QuickUMLS).
MEDSPACY := build/medspacy/medspacy/__init__.py
$(MEDSPACY): | $(VENV)/.installed
	$(PY) -m pip install --quiet --no-deps --target build/medspacy medspacy==1.1.6 pysbd==0.3.4 \
	  PyRuSH==1.0.13 PyFastNER==1.0.10 quicksectx==0.4.1 loguru==0.7.3

context-eval: $(PIPELINE) $(DRUG_NAMES) $(MESSAGE_MODEL) $(MEDSPACY)
	PYTHONPATH=$(CURDIR):$(CURDIR)/build/medspacy $(PY) -m eval.compare_context \
	  --rules build/medspacy/resources/context_rules.json
