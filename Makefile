# ganbook: every target runs with the pinned Go toolchain and the SIMD kernels of GoMLX's pure-Go backend
# (GOEXPERIMENT=simd: its float32 MatMul goes from ~5 to ~140-240 GFLOP/s on an AVX-512 machine).
export GOTOOLCHAIN := go1.27.3
export GOEXPERIMENT := simd

GO ?= go
BIN := bin/ganbook

.PHONY: all build demo setup test check-fmt vet unit kernel jupyter test-notebooks test-assignments test-lab book test-book bench bench-dcgan \
	bench-go fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ganbook

# The main job a newcomer runs first: a DCGAN trained on MNIST on the pure-Go backend (about 10 minutes on 2
# cores), a sample grid on disk and its scores. Run again, it resumes (or just re-scores) runs/demo.
DEMO_DIR ?= runs/demo
DEMO_STEPS ?= 5500
# A time budget too: on a slower machine the run stops (with a checkpoint) after this many minutes of training.
DEMO_MINUTES ?= 9
# The demo's departures from DCGAN's settings (measured in docs/results/dcgan.md): a dense layer of 256 units in G (before
# its projection) and in D (after its convolutions, the features), with BatchNorm in D, as InfoGAN's MNIST
# networks (Chen et al. 2016, Table 1) have at 1024; and D learning at 4e-4 (G at 2e-4), a two-timescale rule
# (Heusel et al. 2017) that keeps D from falling behind G in a short run.
DEMO_FLAGS ?= --gen-hidden 256 --disc-hidden 256 --disc-batchnorm --lr-d 4e-4
demo: build
	./$(BIN) backend
	@if [ -f $(DEMO_DIR)/config.json ]; then \
		./$(BIN) train dcgan --steps $(DEMO_STEPS) --minutes $(DEMO_MINUTES) --out $(DEMO_DIR) --resume; \
	else \
		./$(BIN) train dcgan --steps $(DEMO_STEPS) --minutes $(DEMO_MINUTES) $(DEMO_FLAGS) --out $(DEMO_DIR); \
	fi
	./$(BIN) sample --run $(DEMO_DIR) --n 100 --out $(DEMO_DIR)/samples.png
	./$(BIN) eval --run $(DEMO_DIR)
	@echo "samples: $(DEMO_DIR)/samples.png"

# The test command sets itself up (`make setup`), then runs formatting, go vet, every package's tests (offline,
# CPU), every notebook executed on the GoNB kernel (installed first), and the book built from the executed
# notebooks and checked in headless Chromium, with `make jupyter` opened there too, and the GAN lab driven in
# Chromium (test-lab). Make runs these in order.
test: setup check-fmt vet unit test-notebooks test-assignments test-book test-lab

# What the tests need, installed only where missing (scripts/setup_test_deps.sh): Debian's packages (apt-get as
# root, or `sudo -n`; otherwise it stops with the command to run), the pinned Go toolchain and the Go modules.
setup:
	./scripts/setup_test_deps.sh

check-fmt:
	@out=$$(gofmt -l cmd pkg internal); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test ./...

# The GoNB kernel (GoNB v0.11.5, goimports and gopls from tools/go.mod, built into bin/), with GOTOOLCHAIN,
# GOEXPERIMENT and PATH in its kernel.json. Safe to run again.
kernel:
	./scripts/install_kernel.sh

# Installs the kernel, then opens the notebooks in JupyterLab if it is installed, else the classic Notebook,
# on 127.0.0.1 only.
# (As root, e.g. in a container, Jupyter needs --allow-root.)
JUPYTER_PORT ?= 8888
JUPYTER_FLAGS ?= --ip 127.0.0.1 --port $(JUPYTER_PORT) --notebook-dir notebooks $(if $(filter 0,$(shell id -u)),--allow-root)
jupyter: kernel
	@if jupyter lab --version >/dev/null 2>&1; then \
		jupyter lab $(JUPYTER_FLAGS); \
	else \
		jupyter notebook $(JUPYTER_FLAGS); \
	fi

# Executes every notebook headless and checks its figures (scripts/test_notebooks.sh); NOTEBOOKS=path runs one.
# Chapter 07 reads the emoji data: fetched first (2 s, or nothing when it is there).
# The executed copies go to $(NOTEBOOK_OUT), where `make book` finds them.
NOTEBOOKS ?=
BOOK_DIR ?= book
NOTEBOOK_OUT ?= $(BOOK_DIR)/executed
test-notebooks: build kernel
	./$(BIN) data fetch emoji >/dev/null
	NOTEBOOK_OUT=$(NOTEBOOK_OUT) ./scripts/test_notebooks.sh $(NOTEBOOKS)

# The course assignments: the committed student copies are what the masters make (ganbook assign --check), and
# every master runs on the GoNB kernel with its visible and hidden tests passing (pkg/grade's tests, in `unit`,
# grade the masters, the student copies and a wrong submission).
test-assignments: build kernel
	./$(BIN) assign --check
	NOTEBOOK_OUT=$(NOTEBOOK_OUT) ./scripts/test_notebooks.sh assignments/*/master.ipynb

# The GAN lab (pkg/lab, chapter 08) in a real browser: a Jupyter server on 127.0.0.1, the lab notebook opened in
# Debian's Chromium by npm's playwright-core (pinned, installed into a temporary folder), play, pause and a slider
# checked, frames/s printed, screenshots into docs/lab/ (scripts/test_lab.sh).
test-lab: build kernel
	./scripts/test_lab.sh

# The course as static HTML pages in $(BOOK_DIR)/ (index.html first): the executed notebooks (run again only
# where missing or out of date), formulas by a local copy of Debian's MathJax, nothing from the network.
book: build kernel
	./$(BIN) data fetch emoji >/dev/null
	BOOK_DIR=$(BOOK_DIR) NOTEBOOK_OUT=$(NOTEBOOK_OUT) ./scripts/build_book.sh

# The book's pages and `make jupyter` opened in headless Chromium (scripts/test_book.py); screenshots go beside
# the executed notebooks.
test-book: book
	python3 scripts/test_book.py --book $(BOOK_DIR) --shots $(NOTEBOOK_OUT)

# Speed figures, printed (never asserted in tests).
bench: build
	./$(BIN) bench conv --json

# The DCGAN training step against the PyTorch peer (needs apt-get install python3-torch python3-numpy libopenblas0).
bench-dcgan: build
	./$(BIN) bench dcgan --json

bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 10x ./pkg/bench

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReadIDX -fuzztime 60s ./pkg/data

clean:
	rm -rf bin
