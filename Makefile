# r1audit: build, test and run the main job. `make help` lists the targets.
SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)/r1audit
# One set of flags for build and test, so `make test` and `make audit` share one build.
# Testability is on because the tests use @testable imports.
SWIFTFLAGS := -c $(CONFIG) -Xswiftc -enable-testing
APT_PACKAGES := libopenblas-dev libsqlite3-dev libcurl4-openssl-dev libxml2-dev pkg-config

.PHONY: help deps build test test-fast audit models test-models clean

help:
	@echo "make deps    install the Debian packages the build needs (needs root or sudo)"
	@echo "make build   build r1audit ($(CONFIG))"
	@echo "make test    run every test: unit tiers and the SmolLM2 + Gemma-3 integration tier"
	@echo "make audit   the main job: audit the embedded default model on the built-in questions, write the report"

# Installs only what is missing, so it is cheap on a machine that has everything.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing:$$missing"; $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

models:
	scripts/fetch-models smollm2

# The integration tier also checks Gemma-3-270m (the one base model, 253 MB) against llama.cpp's goldens.
test-models: models
	scripts/fetch-models gemma3

build: deps
	$(SWIFT) build $(SWIFTFLAGS)

# Tests run in release, so the real-model tier runs at engine speed. Two passes: the HTTP suites
# (EndpointTests, ServerTests) test real wall-clock behaviour (timeouts, retries, Retry-After, cancelled
# connections) against in-process servers, so they run in a pass of their own. In one pass, CPU-bound
# real-model tests held both threads of Swift's cooperative pool (one per core on the 2-core CI machine)
# for minutes and the servers missed their 30 s deadlines (CI stop 26). `make test` runs both passes.
HTTP_SUITES := EndpointTests|ServerTests
test: deps test-models
	$(SWIFT) test $(SWIFTFLAGS) --skip '$(HTTP_SUITES)'
	$(SWIFT) test $(SWIFTFLAGS) --skip-build --filter '$(HTTP_SUITES)'

audit: build models
	$(BIN) audit --run default
	$(BIN) report default

clean:
	rm -rf .build
