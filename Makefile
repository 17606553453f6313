# Arcade: every dependency this project needs is installed from here (PyPI, npm, Maven Central,
# the Go module proxy, Debian), into project-local caches where the tool allows it.
# Two commands matter to users: `make demo` and `make test`. Both are idempotent.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

ROOT := $(abspath .)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
CACHE := $(ROOT)/.cache
STATE := $(ROOT)/.arcade
ARCADE := $(ROOT)/kernel-bridge/bin/arcade

# Pinned external pieces.
MINIO_MODULE := github.com/minio/minio
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN := $(CACHE)/bin/minio
ARC_JARS := $(CACHE)/arc/jars
ARC_KERNEL_JAR := $(CACHE)/arc/kernel/arcade-arc-kernel.jar
ARC_DELTA_JAR := $(CACHE)/arc/plugins/arcade-arc-delta.jar
MVN := mvn -B -q -Dmaven.repo.local=$(CACHE)/m2
# Argo's own validation, JSON schema and OpenAPI, from the pinned Go module (v3 is not served).
ARGO_MODULE := github.com/argoproj/argo-workflows/v4
ARGO_VERSION := v4.0.5
ARGO_DIR := $(CACHE)/argo
ARGO_TOOL_SRC := kernel-bridge/tools/argo-validate

# Playwright must never download a browser: the UI tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export ARCADE_MINIO_BIN := $(MINIO_BIN)
export ARCADE_ARGO_DIR := $(ARGO_DIR)
# `jupyter labextension build` and the tests use the project's venv.
export PATH := $(VENV)/bin:$(PATH)

DEMO_PORT ?= 8888
DEMO_WORKSPACE := $(STATE)/workspace

.PHONY: build venv npm bridge extension install chromium minio argo-tools arc-jars kernel sample-data \
        lint test test-unit test-integration test-ui test-deploy terraform checkov image-files image-venv helm helm-template-file hub-files hub test-hub screenshot demo stack-up stack-down bench clean distclean

# ---------------------------------------------------------------- set-up

$(VENV)/.installed: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip==25.3
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

kernel-bridge/node_modules/.installed: kernel-bridge/package-lock.json
	cd kernel-bridge && npm ci --no-audit --no-fund --loglevel=error
	touch $@

ui-tests/node_modules/.installed: ui-tests/package-lock.json
	cd ui-tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

npm: node_modules/.installed kernel-bridge/node_modules/.installed ui-tests/node_modules/.installed

# Debian's Chromium for the Galata UI tests (never a Playwright browser download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium (for the UI tests)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@/usr/bin/chromium --version

# MinIO, built from the Go module proxy at a pinned version.
$(MINIO_BIN):
	@echo "Building MinIO $(MINIO_VERSION) with go install (first time only, a few minutes)…"
	mkdir -p $(CACHE)/bin
	GOBIN=$(CACHE)/bin GOFLAGS=-mod=mod go install $(MINIO_MODULE)@$(MINIO_VERSION)

minio: $(MINIO_BIN)

# argo-validate (Arcade's small program over Argo's validation package) and the schema and
# OpenAPI files of the same module version, into .cache/argo (ARCADE_ARGO_DIR).
$(ARGO_DIR)/.built: $(ARGO_TOOL_SRC)/go.mod $(ARGO_TOOL_SRC)/go.sum $(ARGO_TOOL_SRC)/main.go
	@grep -q '$(ARGO_MODULE) $(ARGO_VERSION)$$' $(ARGO_TOOL_SRC)/go.mod || \
	  { echo "$(ARGO_TOOL_SRC)/go.mod does not pin $(ARGO_MODULE) $(ARGO_VERSION)"; exit 1; }
	@echo "Building argo-validate on $(ARGO_MODULE) $(ARGO_VERSION) (first time only, a few minutes)…"
	mkdir -p $(ARGO_DIR)/bin
	cd $(ARGO_TOOL_SRC) && go build -mod=readonly -trimpath -ldflags="-s -w" -o $(ARGO_DIR)/bin/argo-validate .
	src=$$(cd $(ARGO_TOOL_SRC) && go list -mod=readonly -m -f '{{.Dir}}' $(ARGO_MODULE)); \
	  install -m 0644 $$src/api/jsonschema/schema.json $(ARGO_DIR)/schema.json; \
	  install -m 0644 $$src/api/openapi-spec/swagger.json $(ARGO_DIR)/swagger.json
	touch $@

# TypeScript types of the Argo Server API, generated from that swagger.json (not committed).
ARGO_TYPES := kernel-bridge/src/schedule/argo/swagger.gen.ts
$(ARGO_TYPES): $(ARGO_DIR)/.built kernel-bridge/node_modules/.installed
	mkdir -p $(dir $@)
	cd kernel-bridge && npx openapi-typescript $(ARGO_DIR)/swagger.json --output $(abspath $@) >/dev/null

argo-tools: $(ARGO_DIR)/.built $(ARGO_TYPES)

# Arc, Spark, Delta Lake and hadoop-aws from Maven Central, into the project-local cache.
$(ARC_JARS)/.resolved: runtime/arc/pom.xml
	@echo "Resolving the Arc runtime from Maven Central into $(ARC_JARS)…"
	rm -rf $(ARC_JARS)
	cd runtime/arc && $(MVN) dependency:copy-dependencies -DoutputDirectory=$(ARC_JARS) -DincludeScope=runtime
	touch $@

arc-jars: $(ARC_JARS)/.resolved

# The Arc kernel (runtime/arc-kernel, on the real Arc library) and its kernelspec `arc` in the venv.
ARC_KERNEL_SOURCES := $(shell find runtime/arc-kernel/src -type f) runtime/arc-kernel/pom.xml
$(ARC_KERNEL_JAR): $(ARC_JARS)/.resolved $(ARC_KERNEL_SOURCES)
	@echo "Building the Arc kernel…"
	cd runtime/arc-kernel && $(MVN) package
	touch $@

# Arc's Delta Lake stages (runtime/arc-delta-plugin: the upstream plugin is not on Maven Central).
ARC_DELTA_SOURCES := $(shell find runtime/arc-delta-plugin/src -type f) runtime/arc-delta-plugin/pom.xml
$(ARC_DELTA_JAR): $(ARC_JARS)/.resolved $(ARC_DELTA_SOURCES)
	@echo "Building Arcade's Delta Lake stage plugin for Arc…"
	cd runtime/arc-delta-plugin && $(MVN) package
	touch $@

kernel: venv $(ARC_KERNEL_JAR) $(ARC_DELTA_JAR)
	$(PY) scripts/install_arc_kernel.py

# ---------------------------------------------------------------- build

bridge: kernel-bridge/node_modules/.installed
	cd kernel-bridge && npm run --silent build

extension: venv node_modules/.installed bridge
	npm run --silent build:prod

# Installs the package the way users do (pip install), with the prebuilt extension and the bridge.
install: venv extension
	$(VENV)/bin/pip install --quiet --no-build-isolation .
	$(VENV)/bin/jupyter labextension list 2>&1 | grep -q 'jupyterlab-arcade.*enabled.*OK'

build: install

sample-data: venv
	$(PY) scripts/generate_sample_data.py $(DEMO_WORKSPACE)/data

# ---------------------------------------------------------------- tests

# The root lint also type-checks ui-tests, so every npm tree must be installed.
lint: venv npm bridge lint-python lint-scala lint-go
	cd kernel-bridge && npm run --silent lint
	npm run --silent lint

# Python: ruff (pinned in requirements-dev.txt, configured in pyproject.toml), lint and formatting.
.PHONY: lint-python lint-scala lint-go
lint-python: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Scala: both modules compile with warnings as errors (-Xfatal-warnings etc. in their poms).
lint-scala:
	cd runtime/arc-kernel && $(MVN) compile
	cd runtime/arc-delta-plugin && $(MVN) compile

# Go: Arcade's Argo validator is gofmt-clean and vetted.
lint-go: argo-tools
	@test -z "$$(gofmt -l $(ARGO_TOOL_SRC))" || { gofmt -l $(ARGO_TOOL_SRC); echo "gofmt: format the files above"; exit 1; }
	cd $(ARGO_TOOL_SRC) && go vet -mod=readonly .

test-unit: npm bridge argo-tools
	cd kernel-bridge && npm run --silent test:unit
	npm run --silent test

test-integration: install minio kernel argo-tools
	cd kernel-bridge && npm run --silent test:integration
	$(VENV)/bin/pytest -q tests

# The UI tests write their Delta tables with the bridge's test tools (kernel-bridge/lib/bench).
test-ui: install chromium ui-tests/node_modules/.installed kernel minio argo-tools
	cd kernel-bridge && npm run --silent build:bench
	cd ui-tests && CI=1 npm test

screenshot: install chromium ui-tests/node_modules/.installed
	cd ui-tests && npm run screenshot

test: lint test-unit test-integration test-ui test-deploy test-hub

# ---------------------------------------------------------------- deploy/

# OpenTofu (Terraform's open-source fork; same HCL formatter) built from the Go module proxy:
# `go install` refuses modules with replace directives (Terraform's and OpenTofu's have them), so it
# is built from its downloaded source as the main module. The AWS provider is not reachable here:
# fmt, not validate. checkov has a venv of its own (its pins must not move JupyterLab's).
TOFU_VERSION := v1.10.6
TOFU_SRC := $(CACHE)/src/opentofu-$(TOFU_VERSION)
TOFU := $(CACHE)/bin/tofu-$(TOFU_VERSION)
CHECKOV_VERSION := 3.3.30

$(TOFU):
	rm -rf $(TOFU_SRC) && mkdir -p $(CACHE)/src $(CACHE)/bin
	src=$$(go mod download -json github.com/opentofu/opentofu@$(TOFU_VERSION) | \
	  python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(d["Error"]) if d.get("Error") else print(d["Dir"])') && \
	  cp -r "$$src" $(TOFU_SRC)
	chmod -R u+w $(TOFU_SRC)
	cd $(TOFU_SRC) && go build -mod=readonly -trimpath -ldflags="-s -w" -o $(TOFU) ./cmd/tofu
	rm -rf $(TOFU_SRC)

$(CACHE)/checkov/.installed:
	python3 -m venv $(CACHE)/checkov
	$(CACHE)/checkov/bin/pip install --quiet checkov==$(CHECKOV_VERSION)
	touch $@

terraform: $(TOFU)
checkov: $(CACHE)/checkov/.installed

# Helm from the Go module proxy (no replace directives: `go install` works), and the Argo Workflows
# chart from argo-helm's module at the commit whose chart 1.0.14 ships Argo Workflows v4.0.5, the
# version argo-validate is built on. (zero-to-jupyterhub's chart is not served to this machine.)
HELM_VERSION := v3.22.0
HELM := $(CACHE)/bin/helm-$(HELM_VERSION)
ARGO_HELM_VERSION := v0.0.0-20260528154508-f3aa47cc5f11
ARGO_CHART := $(CACHE)/helm/argo-workflows-1.0.14

$(HELM):
	rm -rf $(CACHE)/helm-build && mkdir -p $(CACHE)/helm-build $(CACHE)/bin
	GOBIN=$(CACHE)/helm-build GOFLAGS=-mod=mod go install -trimpath \
	  -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION)" helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	mv $(CACHE)/helm-build/helm $@ && rm -rf $(CACHE)/helm-build

$(ARGO_CHART)/Chart.yaml:
	src=$$(go mod download -json github.com/argoproj/argo-helm@$(ARGO_HELM_VERSION) | \
	  python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(d["Error"]) if d.get("Error") else print(d["Dir"])') && \
	  rm -rf $(ARGO_CHART) && mkdir -p $(dir $(ARGO_CHART)) && cp -r "$$src/charts/argo-workflows" $(ARGO_CHART)
	chmod -R u+w $(ARGO_CHART)
	grep -q '^appVersion: v4.0.5$$' $@

helm: $(HELM) $(ARGO_CHART)/Chart.yaml

# The arcade chart's WorkflowTemplate spec is the bridge's (deploy/helm/tests checks it is current).
helm-template-file: bridge
	$(ARCADE) schedule template --name arcade-arc-job --namespace argo --image RUNNER_IMAGE \
	  --service-account arcade-workflow > deploy/helm/arcade/files/arc-job-template.json

# Terraform formatting and checkov (no failed check; skips are justified inline), the HCL's
# properties (python-hcl2), and the JupyterHub authenticator against moto's Secrets Manager.
test-deploy: venv terraform checkov image-venv helm
	TF_CLI_CONFIG_FILE=/dev/null $(TOFU) fmt -check -recursive -diff deploy/terraform
	$(CACHE)/checkov/bin/checkov -d deploy/terraform --framework terraform --quiet --compact --skip-download
	ARCADE_HELM=$(HELM) ARCADE_ARGO_CHART=$(ARGO_CHART) ARCADE_CHECKOV=$(CACHE)/checkov/bin/checkov \
	  $(VENV)/bin/pytest -q deploy/terraform/tests deploy/authenticator/tests deploy/images/tests deploy/helm/tests

# The build contexts of deploy/images: exactly the files each Dockerfile copies (jars hard-linked
# from the cache); deploy/images/build.sh builds and pushes the images from them.
IMAGES := $(CACHE)/images
NOTEBOOK_FILES := $(IMAGES)/notebook
RUNNER_FILES := $(IMAGES)/runner
HUB_FILES := $(IMAGES)/hub

image-files: install kernel argo-tools
	rm -rf $(NOTEBOOK_FILES) $(RUNNER_FILES) $(HUB_FILES)
	$(VENV)/bin/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir $(HUB_FILES)/wheels ./deploy/authenticator
	mkdir -p $(NOTEBOOK_FILES)/wheels $(NOTEBOOK_FILES)/arcade/bin $(NOTEBOOK_FILES)/arcade/arc/{jars,kernel,plugins} \
	         $(NOTEBOOK_FILES)/arcade/argo $(NOTEBOOK_FILES)/src/argo-validate
	$(VENV)/bin/pip wheel --quiet --no-deps --no-build-isolation --wheel-dir $(NOTEBOOK_FILES)/wheels .
	install -m 0644 deploy/images/notebook/requirements.txt $(NOTEBOOK_FILES)/requirements.txt
	install -m 0755 deploy/images/notebook/entrypoint.sh $(NOTEBOOK_FILES)/arcade/bin/arcade-entrypoint
	cp -l $(ARC_JARS)/*.jar $(NOTEBOOK_FILES)/arcade/arc/jars/
	cp -l $(ARC_KERNEL_JAR) $(NOTEBOOK_FILES)/arcade/arc/kernel/
	cp -l $(ARC_DELTA_JAR) $(NOTEBOOK_FILES)/arcade/arc/plugins/
	$(PY) scripts/install_arc_kernel.py --relocatable --kernels-dir $(NOTEBOOK_FILES)/arcade/kernels \
	  --jars $(NOTEBOOK_FILES)/arcade/arc/jars --plugins $(NOTEBOOK_FILES)/arcade/arc/plugins \
	  --kernel-jar $(NOTEBOOK_FILES)/arcade/arc/kernel/$(notdir $(ARC_KERNEL_JAR)) >/dev/null
	install -m 0644 $(ARGO_DIR)/schema.json $(ARGO_DIR)/swagger.json $(NOTEBOOK_FILES)/arcade/argo/
	install -m 0644 $(ARGO_TOOL_SRC)/go.mod $(ARGO_TOOL_SRC)/go.sum $(ARGO_TOOL_SRC)/main.go $(NOTEBOOK_FILES)/src/argo-validate/
	mkdir -p $(RUNNER_FILES)/spark/bin $(RUNNER_FILES)/spark/jars $(RUNNER_FILES)/arcade/lib \
	         $(RUNNER_FILES)/maven/runtime/arc $(RUNNER_FILES)/maven/deploy/images/runner
	install -m 0755 deploy/images/runner/spark-submit $(RUNNER_FILES)/spark/bin/spark-submit
	install -m 0755 deploy/images/runner/entrypoint.sh $(RUNNER_FILES)/spark/entrypoint.sh
	install -D -m 0644 deploy/images/runner/spark-defaults.conf $(RUNNER_FILES)/spark/conf/spark-defaults.conf
	echo "Spark 3.3.4 for Scala 2.12 from Maven Central jars, with Arc 3.7.0 (assembled by Arcade)" > $(RUNNER_FILES)/spark/RELEASE
	cp -l $(ARC_JARS)/*.jar $(ARC_DELTA_JAR) $(RUNNER_FILES)/spark/jars/
	cp -l $(ARC_KERNEL_JAR) $(RUNNER_FILES)/arcade/lib/arcade-launcher.jar
	install -m 0644 runtime/arc/pom.xml $(RUNNER_FILES)/maven/runtime/arc/pom.xml
	install -m 0644 deploy/images/runner/pom.xml $(RUNNER_FILES)/maven/deploy/images/runner/pom.xml
	install -m 0755 deploy/images/runner/kubernetes-jars.sh $(RUNNER_FILES)/maven/kubernetes-jars.sh
	cd runtime/arc && $(MVN) dependency:list -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
	  -DoutputFile=$(RUNNER_FILES)/maven/have.txt >/dev/null

# The notebook image's Python packages installed here as its Dockerfile installs them (for the tests).
image-venv: image-files
	rm -rf $(IMAGES)/notebook-venv
	python3 -m venv $(IMAGES)/notebook-venv
	$(IMAGES)/notebook-venv/bin/pip install --quiet --no-compile -r $(NOTEBOOK_FILES)/requirements.txt $(NOTEBOOK_FILES)/wheels/*.whl
	$(IMAGES)/notebook-venv/bin/jupyter labextension list 2>&1 | grep -q 'jupyterlab-arcade.*enabled.*OK'

# ---------------------------------------------------------------- make hub

# A real JupyterHub here (deploy/hub-local): JupyterHub 5.5.0 (zero-to-jupyterhub 4.4.0's) with Arcade's
# authenticator in a venv of its own, configurable-http-proxy from npm, moto's Secrets Manager server,
# and single-user servers started from the notebook image's file set (Argo's validator built from it).
HUB := $(CACHE)/hub
HUB_VENV := $(HUB)/venv
HUB_PORT ?= 8100
HUB_CHP := deploy/hub-local/node_modules/.bin/configurable-http-proxy
HUB_ARGS = --hub-venv $(HUB_VENV) --notebook $(HUB)/notebook --notebook-venv $(IMAGES)/notebook-venv \
           --chp $(HUB_CHP) --moto $(VENV)/bin/moto_server

$(HUB_VENV)/.installed: deploy/authenticator/pyproject.toml $(shell find deploy/authenticator/arcade_hub_auth -name '*.py')
	rm -rf $(HUB_VENV) && python3 -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/pip install --quiet jupyterhub==5.5.0 ./deploy/authenticator
	touch $@

deploy/hub-local/node_modules/.installed: deploy/hub-local/package-lock.json
	cd deploy/hub-local && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub-files: image-venv $(HUB_VENV)/.installed deploy/hub-local/node_modules/.installed
	rm -rf $(HUB)/notebook && mkdir -p $(HUB) && cp -al $(NOTEBOOK_FILES) $(HUB)/notebook
	mkdir -p $(HUB)/notebook/arcade/argo/bin
	cd $(HUB)/notebook/src/argo-validate && go build -mod=readonly -trimpath -o ../../arcade/argo/bin/argo-validate .

# HUB_OPTIONS: more of run.py's options, e.g. HUB_OPTIONS="--users my-users.json --cache-ttl 10".
HUB_OPTIONS ?=
hub: venv hub-files
	$(PY) deploy/hub-local/run.py --state $(STATE)/hub --port $(HUB_PORT) $(HUB_ARGS) $(HUB_OPTIONS)

# The real hub over HTTP (pytest) and in Chromium (Playwright, ui-tests/hub).
test-hub: venv hub-files chromium ui-tests/node_modules/.installed
	$(VENV)/bin/pytest -q deploy/hub-local/tests
	cd ui-tests && CI=1 npx playwright test -c playwright.hub.config.js

# ---------------------------------------------------------------- demo

stack-up: bridge minio
	$(ARCADE) dev up --state $(STATE)

stack-down:
	@if [ -x $(ARCADE) ] && [ -f kernel-bridge/dist/arcade.cjs ]; then $(ARCADE) dev down --state $(STATE); fi

# The demo's JupyterLab never asks about (or fetches) "official Jupyter news": a settings override
# in the project's Python environment, where `jupyter lab` reads overrides.json from.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_OVERRIDES):
	mkdir -p $(dir $@)
	printf '%s\n' '{' '  "@jupyterlab/apputils-extension:notification": {' \
	  '    "fetchNews": "false",' '    "checkForUpdates": false' '  }' '}' > $@

demo: install kernel argo-tools stack-up $(LAB_OVERRIDES)
	@if [ ! -d $(DEMO_WORKSPACE)/.git ]; then \
	  eval "$$($(ARCADE) dev env --state $(STATE))"; \
	  $(ARCADE) git clone "$$ARCADE_GIT_REMOTE" $(DEMO_WORKSPACE); \
	  echo "Cloned the sample workspace into $(DEMO_WORKSPACE)"; \
	fi
	$(MAKE) --no-print-directory sample-data
	@eval "$$($(ARCADE) dev env --state $(STATE))"; \
	  $(ARCADE) catalog crawl || echo "The catalog crawl failed (above); the Data sidebar shows what is registered."
	@eval "$$($(ARCADE) dev env --state $(STATE))"; \
	export ETL_CONF_DATA=file://$(DEMO_WORKSPACE)/data ETL_CONF_META=file://$(DEMO_WORKSPACE)/meta \
	       ETL_CONF_SQL=file://$(DEMO_WORKSPACE)/sql ETL_CONF_LAKE=file://$(STATE)/lake ETL_CONF_LOAD_DATE=2026-01-01 \
	       ARCADE_SPARK_WAREHOUSE=$(STATE)/spark-warehouse; \
	token=$$($(PY) -c 'import secrets; print(secrets.token_hex(24))'); \
	echo; echo "JupyterLab with Arcade: http://127.0.0.1:$(DEMO_PORT)/lab?token=$$token"; echo; \
	root_flag=$$( [ "$$(id -u)" = 0 ] && echo --allow-root || true ); \
	exec $(VENV)/bin/jupyter lab --no-browser --ip=127.0.0.1 --port=$(DEMO_PORT) $$root_flag \
	  --ServerApp.port_retries=0 --IdentityProvider.token=$$token \
	  --ServerApp.root_dir=$(DEMO_WORKSPACE)

# ---------------------------------------------------------------- misc

# Compile speed against Arc's own lintOnly, git status/commit against git and publish against aws s3 sync, each in the same run; JSON results in bench/results/.
bench: install chromium minio argo-tools kernel
	cd kernel-bridge && npm run --silent bench

clean: stack-down
	rm -rf lib kernel-bridge/lib kernel-bridge/dist kernel-bridge/engine/dist jupyterlab_arcade/labextension jupyterlab_arcade/bridge \
	       tsconfig.tsbuildinfo ui-tests/test-results ui-tests/playwright-report

distclean: clean
	rm -rf node_modules kernel-bridge/node_modules ui-tests/node_modules $(VENV) $(CACHE) $(STATE)
