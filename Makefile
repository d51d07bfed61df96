# portflow — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
FUZZTIME  ?= 30s
LOCAL_PG  := postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

# Tests use TEST_DATABASE_URL when set; otherwise the local Postgres when one answers on
# 127.0.0.1:5432; otherwise testcontainers (needs a Docker engine).
ifeq ($(TEST_DATABASE_URL),)
  ifeq ($(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo up),up)
    export TEST_DATABASE_URL := $(LOCAL_PG)
  endif
endif

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## run portflow with the in-process Bandwidth sandbox on :8080 (local Postgres)
	PORTFLOW_SANDBOX=true PORTFLOW_LOG_FORMAT=console $(GO) run ./cmd/server

.PHONY: demo
demo: ## run portflow with the sandbox and walk a few port requests to their end
	$(GO) run ./cmd/server demo

.PHONY: test
test: ## go vet + every test with the race detector (needs Postgres, see README)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

.PHONY: test-race
test-race: test ## alias of test (tests always run with -race)

.PHONY: test-short
test-short: ## tests without the race detector, for a quick loop
	$(GO) test -count=1 ./...

.PHONY: lint
lint: ## golangci-lint with the checked-in configuration
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

.PHONY: bench
bench: ## run the benchmarks in bench/ (loopback only, minutes; not part of CI)
	./bench/run.sh

.PHONY: migrate
migrate: ## apply pending migrations to PORTFLOW_DATABASE_URL
	$(GO) run ./cmd/server migrate up

.PHONY: build
build: ## build a static binary into bin/portflow
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/portflow ./cmd/server

.PHONY: docker
docker: ## build the container image portflow:$(VERSION)
	docker build --build-arg VERSION=$(VERSION) -t portflow:$(VERSION) .

.PHONY: generate
generate: ## regenerate River's goose migrations and other generated files
	$(GO) generate ./...
