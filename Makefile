# The gateway's everyday commands. `make run` builds both binaries and
# starts the gateway with the example config; `make test` runs every test.

GO        ?= go
BIN       := bin
CONFIG    ?= config.example.yaml
# A development master key for the example config. Set your own for
# anything but a local trial.
LITELLM_MASTER_KEY ?= sk-dev-master-key

.PHONY: build run test bench vet clean

build:
	$(GO) build -o $(BIN)/ ./cmd/...

run: build
	LITELLM_MASTER_KEY=$(LITELLM_MASTER_KEY) EXPERIMENTAL_UI_LOGIN=$${EXPERIMENTAL_UI_LOGIN:-True} \
		$(BIN)/litellm --config $(CONFIG) --host 127.0.0.1 --port $${PORT:-4000}

test:
	scripts/test.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
