# The gateway's everyday commands. `make run` builds both binaries and
# starts the gateway with the example config; `make test` runs every test.

GO        ?= go
BIN       := bin
CONFIG    ?= config.example.yaml
# A development master key for the example config. Set your own for
# anything but a local trial.
LITELLM_MASTER_KEY ?= sk-dev-master-key

.PHONY: build run test bench bench-go bench-gateway vet clean

build:
	$(GO) build -o $(BIN)/ ./cmd/...

run: build
	LITELLM_MASTER_KEY=$(LITELLM_MASTER_KEY) EXPERIMENTAL_UI_LOGIN=$${EXPERIMENTAL_UI_LOGIN:-True} \
		$(BIN)/litellm --config $(CONFIG) --host 127.0.0.1 --port $${PORT:-4000}

test:
	scripts/test.sh

# bench runs the Go micro-benchmarks, then the gateway against a mock
# upstream (about 2 minutes), which rewrites its section of
# docs/benchmarks.md. One after the other, even under make -j: they would
# skew each other's figures. BENCHFLAGS=-quick gives a 20-second run.
bench:
	$(MAKE) bench-go
	$(MAKE) bench-gateway

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-gateway:
	$(GO) run ./bench/cmd/benchrun $(BENCHFLAGS)

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
