# carrick — see README.md.
GO       ?= go
BIN      := bin
FIXTURES := test/fixtures/out

.PHONY: all build test vet fixtures bench conformance fuzz clean demo

all: build

build:
	$(GO) build -o $(BIN)/carrick ./cmd/carrick

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/...

# Test programs and oracle fixtures (idempotent): C probes built with
# aarch64-linux-gnu-gcc, Go probes built with GOARCH=arm64.
fixtures:
	./test/fixtures/build.sh $(FIXTURES)
	./test/fixtures/rootfs.sh $(FIXTURES)

# The README's test command: unit tests, fuzz seeds, the qemu-differential
# instruction suite and the program-level suite, in bounded form.
test: vet fixtures
	$(GO) test -timeout 25m ./...

# A short run of every fuzz target.
fuzz:
	./test/fuzz.sh 30s

# Benchmarks against qemu-aarch64-static in the same run (docs/performance.md).
bench: build fixtures
	./test/bench/run.sh $(FIXTURES)

# The small embedded example: a static ARM64 program shipped as source,
# built and run under carrick next to qemu.
demo: build fixtures
	$(BIN)/carrick run-elf $(FIXTURES)/c/hello-O2

clean:
	rm -rf $(BIN) $(FIXTURES)
