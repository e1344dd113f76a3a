#!/usr/bin/env bash
# Installs the GoNB Jupyter kernel for ganbook's notebooks (`make kernel`); safe to run again.
#
# GoNB v0.11.5, goimports and gopls are built from the pinned tools module (tools/go.mod) into bin/, GoNB writes
# its kernel.json (under $JUPYTER_DATA_DIR, default ~/.local/share/jupyter/kernels/gonb), and this script adds
# the environment the kernel needs and GoNB leaves empty: the pinned Go toolchain, the SIMD experiment of the
# pure-Go backend, and a PATH with go, goimports and gopls.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}" GOEXPERIMENT="${GOEXPERIMENT:-simd}"

if ! command -v go >/dev/null; then
	echo "install_kernel: no go command on PATH: install Go (any version >= 1.21 fetches go1.27.3 itself)" >&2
	exit 1
fi
if ! command -v jupyter >/dev/null; then
	echo "install_kernel: Jupyter is missing: apt-get install jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient" >&2
	exit 1
fi
# The Python that runs Jupyter (Debian's /usr/bin/python3, or a virtual environment's), not whichever python3
# comes first on the PATH.
python="$(head -n 1 "$(command -v jupyter)" | sed -n 's/^#! *//p' | awk '{print $1}')"
if [ -z "$python" ] || ! "$python" -c 'import jupyter_client' 2>/dev/null; then
	python=python3
fi

mkdir -p "$root/bin"
(cd "$root/tools" && GOBIN="$root/bin" go install tool)

gobin="$(dirname "$(command -v go)")"
kernel_path="$root/bin:$gobin:$(go env GOROOT)/bin:/usr/local/bin:/usr/bin:/bin"
data_dir="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}"
kernel_json="$data_dir/kernels/gonb/kernel.json"
before="$(cat "$kernel_json" 2>/dev/null || true)"
PATH="$kernel_path" "$root/bin/gonb" --install --logtostderr=false >/dev/null
"$python" - "$kernel_json" "$GOTOOLCHAIN" "$GOEXPERIMENT" "$kernel_path" <<'PY'
import json, sys
path, toolchain, experiment, kpath = sys.argv[1:]
with open(path) as f:
    spec = json.load(f)
spec.setdefault("env", {}).update({"GOTOOLCHAIN": toolchain, "GOEXPERIMENT": experiment, "PATH": kpath})
spec["display_name"] = "Go (gonb)"
with open(path + ".tmp", "w") as f:
    json.dump(spec, f, indent=1)
import os
os.replace(path + ".tmp", path)
PY
# Quiet when nothing changed (`make test` runs this every time).
if [ "$(cat "$kernel_json")" != "$before" ]; then
	echo "GoNB kernel installed: $kernel_json"
fi
