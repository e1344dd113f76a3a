# ganbook: every target runs with the pinned Go toolchain and the SIMD kernels of GoMLX's pure-Go backend
# (GOEXPERIMENT=simd: its float32 MatMul goes from ~5 to ~140-240 GFLOP/s on an AVX-512 machine).
export GOTOOLCHAIN := go1.27.3
export GOEXPERIMENT := simd

GO ?= go
BIN := bin/ganbook

.PHONY: all build demo test check-fmt vet unit bench bench-go fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ganbook

# The main job a newcomer runs first: the backend in use, MNIST loaded from the Go module cache, and the
# convolution benchmark that makes training on the pure-Go backend possible.
demo: build
	./$(BIN) backend
	./$(BIN) data --dataset mnist --split train
	./$(BIN) bench conv

# The test command: formatting, go vet, then every package's tests (offline, CPU, a few minutes on 2 cores).
test: check-fmt vet unit

check-fmt:
	@out=$$(gofmt -l cmd pkg internal); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test ./...

# Speed figures, printed (never asserted in tests).
bench: build
	./$(BIN) bench conv --json

bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 10x ./pkg/bench

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReadIDX -fuzztime 60s ./pkg/data

clean:
	rm -rf bin
