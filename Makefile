# Musterstadt citizen-service chat. `make run` runs it, `make test` tests it; both set up
# everything they need on a fresh machine (two Python environments, the model, system packages).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
APP       := $(VENV)/app
BOT       := $(VENV)/bot
APP_PY    := $(APP)/bin/python
BOT_PY    := $(BOT)/bin/python
RASA      := $(BOT)/bin/rasa
MODEL     := models/citybot.tar.gz
GENERATED := build/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

TRAIN_INPUTS := $(wildcard bot/config.yml bot/domain/*.yml bot/components/*.py data/nlu/*.yml data/rules/*.yml \
                  data/kb/*.yml data/city.yml kb/training.py kb/loader.py)
RASA_DATA    := --domain $(GENERATED)/domain --data data/nlu data/rules $(GENERATED)/data \
                --config bot/config.yml

.PHONY: widget rasa-test tune help run test test-fast train validate eval bench shell lint envs clean lock system-deps

help:
	@echo "make run       run the chat (Rasa, action server, gateway) on embedded defaults"
	@echo "make test      run every test (sets up environments and trains the model when needed)"
	@echo "make test-fast the gateway's domain, HTTP API and units in-process (seconds, no Rasa, no browser)"
	@echo "make train     train the Rasa model when the bot config, NLU data or KB changed"
	@echo "make validate  check the knowledge base and Rasa's training data"
	@echo "make eval      measure answer quality and bot latency through the running bot"
	@echo "make bench     measure the gateway (relay latency, throughput, memory)"
	@echo "make shell     talk to the bot in the terminal"
	@echo "make lint      ruff, mypy, ESLint and the type check of the browser code"

# --- environments --------------------------------------------------------------------------
$(APP)/.installed: requirements/app.lock
	@py=$$(tools/find-python 3.11) && echo "app environment: $$py" && $$py -m venv $(APP)
	$(APP_PY) -m pip install -q --disable-pip-version-check -r requirements/app.lock
	@touch $@

$(BOT)/.installed: requirements/bot.lock
	@py=$$(tools/find-python 3.10) && echo "bot environment: $$py" && $$py -m venv $(BOT)
	$(BOT_PY) -m pip install -q --disable-pip-version-check -r requirements/bot.lock
	@touch $@

envs: $(APP)/.installed $(BOT)/.installed

# The browser code needs no build step: npm only brings the Socket.IO client (served from
# widget/vendor/) and axe-core (for the accessibility tests).
WIDGET_VENDOR := widget/vendor/socket.io.esm.min.js
$(WIDGET_VENDOR): widget/package.json widget/package-lock.json
	cd widget && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p widget/vendor
	cp widget/node_modules/socket.io-client/dist/socket.io.esm.min.js $@

widget: $(WIDGET_VENDOR)

system-deps:
	@tools/system-deps

# --- model ---------------------------------------------------------------------------------
$(MODEL): $(TRAIN_INPUTS) | $(BOT)/.installed
	$(BOT_PY) -m kb generate --out $(GENERATED)
	$(RASA) train $(RASA_DATA) --out models --fixed-model-name citybot
	@touch $@

train: $(MODEL)

validate: $(BOT)/.installed
	$(BOT_PY) -m kb validate
	$(BOT_PY) -m kb generate --out $(GENERATED) >/dev/null
	$(RASA) data validate $(RASA_DATA)

# --- running -------------------------------------------------------------------------------
run: envs $(MODEL) $(WIDGET_VENDOR)
	$(APP_PY) -m tools.stack run

shell: envs $(MODEL)
	$(APP_PY) -m tools.stack shell

# --- quality -------------------------------------------------------------------------------
lint: $(APP)/.installed widget-tools
	$(APP)/bin/ruff check .
	$(APP)/bin/ruff format --check .
	$(APP)/bin/mypy
	cd widget && node_modules/.bin/eslint .
	cd widget && node_modules/.bin/tsc -p jsconfig.json

# ESLint and TypeScript (the type check of the browser code's JSDoc) come with widget/node_modules
# from the widget target's `npm ci`; run again when node_modules went missing since.
.PHONY: widget-tools
widget-tools: $(WIDGET_VENDOR)
	@test -x widget/node_modules/.bin/eslint -a -x widget/node_modules/.bin/tsc || $(MAKE) --always-make $(WIDGET_VENDOR)

test: envs system-deps $(MODEL) $(WIDGET_VENDOR)
	$(MAKE) lint
	$(MAKE) validate
	$(MAKE) rasa-test
	$(BOT_PY) -m pytest tests/actions -q
	$(APP_PY) -m pytest -q

# Most gateway behaviour in-process against SQLite and the stub bot: for the edit-test loop.
test-fast: $(APP)/.installed
	$(APP_PY) -m pytest -q tests/handoff/domain tests/handoff/http tests/handoff/test_units.py \
		tests/handoff/test_inprocess.py tests/handoff/test_store.py tests/handoff/test_writer.py \
		tests/handoff/test_images.py

# Rasa's own test of the dialogue: tests/stories, predicted intents and actions must all match.
rasa-test: $(MODEL)
	$(RASA) test core --stories tests/stories --model $(MODEL) --out reports/rasa-test \
		--fail-on-prediction-errors --no-plot

# Choose the classifier's thresholds by cross-validation on the training data (not data/eval).
tune: $(BOT)/.installed
	$(BOT_PY) -m kb generate --out $(GENERATED) >/dev/null
	$(BOT_PY) -m bot.tune

eval: envs $(MODEL)
	$(APP_PY) -m bench.eval_bot

bench: envs $(MODEL)
	$(APP_PY) -m bench.gateway

lock:
	$(APP_PY) -m pip freeze > requirements/app.lock.new && mv requirements/app.lock.new requirements/app.lock
	$(BOT_PY) -m pip freeze > requirements/bot.lock.new && mv requirements/bot.lock.new requirements/bot.lock

clean:
	rm -rf build models reports var .pytest_cache .mypy_cache .ruff_cache
