# carrick — see README.md.
GO       ?= go
BIN      := bin
FIXTURES := test/fixtures/out

.PHONY: all build test vet fixtures bench conformance conformance-report fuzz clean demo darwin runtime-tools

all: build

build:
	$(GO) build -o $(BIN)/carrick ./cmd/carrick
	$(GO) build -o $(BIN)/carrick-runtime ./cmd/carrick-runtime
	$(GO) build -o $(BIN)/containerd-shim-carrick-v2 ./cmd/containerd-shim-carrick-v2

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./...
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/...

# The macOS build: the three programs cross-compiled for Apple Silicon
# without cgo, each signed (ad hoc) with the hypervisor entitlement by our
# own Mach-O signer, then verified by parsing the signature back
# (docs/macos.md). On a Mac, `codesign --sign - --entitlements
# packaging/macos/carrick.entitlements --force BIN` does the same.
DARWIN_BIN  := $(BIN)/darwin-arm64
DARWIN_CMDS := $(notdir $(wildcard cmd/carrick cmd/carrick-runtime cmd/containerd-shim-carrick-v2))
darwin:
	mkdir -p $(DARWIN_BIN)
	$(GO) build -o $(BIN)/carrick-codesign ./cmd/carrick-codesign
	for c in $(DARWIN_CMDS); do \
		GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -o $(DARWIN_BIN)/$$c ./cmd/$$c && \
		$(BIN)/carrick-codesign --entitlements packaging/macos/carrick.entitlements --identifier dev.carrick.$$c $(DARWIN_BIN)/$$c && \
		$(BIN)/carrick-codesign --verify $(DARWIN_BIN)/$$c || exit 1; \
	done

# Test programs and oracle fixtures (idempotent): C probes built with
# aarch64-linux-gnu-gcc, Go probes built with GOARCH=arm64.
fixtures:
	./test/fixtures/build.sh $(FIXTURES)
	./test/fixtures/rootfs.sh $(FIXTURES)

# The README's test command: unit tests, fuzz seeds, the qemu-differential
# instruction suite, the program-level suite and the networking proofs
# (test/net, about 20 s), in bounded form.
test: vet darwin fixtures
	$(GO) test -timeout 25m ./...

# Third-party test suites under carrick and the oracle (docs/conformance.md):
# the full tier, hours; resumable (RESUME=1 reuses this carrick binary's
# results), by suite (SUITES=go,cpython,probes), SLOW=1 adds the units marked
# slow, BLESS=1 records the verdicts
# in test/conformance/baseline. Fails on a regression. The smoke tier runs in
# `make test` (test/conformance TestSmoke).
SUITES ?=
CONFORMANCE_FLAGS = -suites "$(SUITES)" $(if $(BLESS),-bless) $(if $(RESUME),-resume) $(if $(SLOW),-slow) $(if $(JOBS),-jobs $(JOBS))
conformance: build fixtures
	$(GO) run ./test/conformance/cmd/conformance $(CONFORMANCE_FLAGS)
	$(MAKE) conformance-report

# docs/compatibility.md's generated part, from the committed baselines.
conformance-report:
	$(GO) run ./test/conformance/cmd/conformance -report docs/compatibility.md

# opencontainers/runtime-tools v0.9.0's validation tests against carrick-runtime,
# compared with test/runtimetools/baseline.txt (docs/compatibility.md).
runtime-tools: build fixtures
	./test/runtimetools/run.sh $(FIXTURES)

# A short run of every fuzz target.
fuzz:
	./test/fuzz.sh 30s

# Benchmarks against qemu-aarch64-static in the same run (docs/performance.md).
bench: build fixtures
	./test/bench/run.sh $(FIXTURES)
	CARRICK_RUNTIME=$(BIN)/carrick-runtime ./test/bench/lifecycle.sh $(FIXTURES)
	CARRICK=$(BIN)/carrick ./test/bench/net.sh $(FIXTURES)
	CARRICK=$(BIN)/carrick ./test/bench/image.sh $(FIXTURES)

# The small embedded example: a static ARM64 program shipped as source,
# built and run under carrick next to qemu.
demo: build fixtures
	$(BIN)/carrick run-elf $(FIXTURES)/c/hello-O2

clean:
	rm -rf $(BIN) $(FIXTURES)
