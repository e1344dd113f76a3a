#!/usr/bin/env bash
# Tests the GAN lab (pkg/lab, notebooks/08_lab.ipynb) in a real browser: starts a Jupyter server on 127.0.0.1
# with the gonb kernel, opens the lab notebook in Debian's Chromium driven by playwright-core (installed at a
# pinned version into a temporary folder; no browser is downloaded), runs the lab cell, presses pause and play,
# moves a slider, checks that the step counter advances and that two screenshots differ, and prints
# "N frames/s". Screenshots go to docs/lab/. Usage: scripts/test_lab.sh
#
# The notebook runs from a temporary copy whose lab cell plays for up to 3 minutes (the test ends it with the
# stop button), in a folder that links to this checkout's files: the checkout itself is not written to.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
playwright_version="1.65.2" # playwright-core from npm, pinned
chromium="${CHROMIUM:-/usr/bin/chromium}"
for tool in node npm jupyter python3 "$chromium"; do
	if ! command -v "$tool" >/dev/null; then
		echo "test_lab: $tool is missing: apt-get install nodejs npm jupyter-notebook chromium" >&2
		exit 1
	fi
done
if ! jupyter kernelspec list 2>/dev/null | grep -qw gonb; then
	echo "test_lab: the gonb kernel is not installed: run make kernel" >&2
	exit 1
fi

work="$(mktemp -d -t ganbook-lab.XXXXXX)"
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "test_lab: installing playwright-core@$playwright_version into $work/npm"
npm install --prefix "$work/npm" --no-audit --no-fund --no-save --loglevel=error "playwright-core@$playwright_version" >"$work/npm.log" 2>&1 ||
	{ cat "$work/npm.log" >&2; exit 1; }

# The site: every top-level entry of the checkout as a link, but notebooks/, which holds the lab notebook's copy
# (its setup cell uses "${GONB_DIR}/.." as the ganbook module).
shopt -s nullglob
site="$work/site"
mkdir -p "$site/notebooks"
for entry in "$root"/* "$root"/.[!.]*; do
	case "$(basename "$entry")" in
	notebooks | .git) ;;
	*) ln -s "$entry" "$site/$(basename "$entry")" ;;
	esac
done
python3 - "$root/notebooks/08_lab.ipynb" "$site/notebooks/08_lab.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
lab = [c for c in nb["cells"] if c["cell_type"] == "code" and "NewPanel(l).Run(2000, 2*time.Minute)" in "".join(c["source"])]
if not lab:
    sys.exit("test_lab: the lab cell (NewPanel(l).Run(2000, 2*time.Minute)) is not in notebooks/08_lab.ipynb")
src = "".join(lab[0]["source"]).replace("Run(2000, 2*time.Minute)", "Run(0, 3*time.Minute)")
lab[0]["source"] = src.splitlines(True)
json.dump(nb, open(sys.argv[2], "w"))
PY

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export JUPYTER_RUNTIME_DIR="$work/runtime" JUPYTER_CONFIG_DIR="$work/config"
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" GOEXPERIMENT="${GOEXPERIMENT:-simd}"
# Notebook 6 (Debian 12's) is a NotebookApp, Notebook 7 a ServerApp; root needs --allow-root.
if [ "$(jupyter notebook --version | cut -d. -f1)" -ge 7 ]; then app=ServerApp; else app=NotebookApp; fi
as_root=()
if [ "$(id -u)" = 0 ]; then as_root=(--allow-root); fi
nice -n 15 jupyter notebook --no-browser --ip=127.0.0.1 --port="$port" --$app.token="$token" \
	--notebook-dir="$site" "${as_root[@]}" >"$work/jupyter.log" 2>&1 &
server_pid=$!
# up: the server answers its status API (python3's urllib: no curl needed).
up() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "http://127.0.0.1:$port/api/status?token=$token" >/dev/null 2>&1; }
for _ in $(seq 1 60); do
	if up; then
		break
	fi
	sleep 1
done
if ! up; then
	echo "test_lab: the Jupyter server did not start; its log:" >&2
	tail -n 30 "$work/jupyter.log" >&2
	exit 1
fi

mkdir -p "$root/docs/lab"
if ! NODE_PATH="$work/npm/node_modules" CHROMIUM="$chromium" nice -n 15 node "$root/scripts/test_lab.js" \
	"http://127.0.0.1:$port/notebooks/notebooks/08_lab.ipynb?token=$token" "$root/docs/lab"; then
	echo "test_lab: FAIL; the end of the Jupyter server's log:" >&2
	tail -n 30 "$work/jupyter.log" >&2
	exit 1
fi
echo "test_lab: ok (screenshots in docs/lab/)"
