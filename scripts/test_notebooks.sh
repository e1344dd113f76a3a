#!/usr/bin/env bash
# Executes every notebook under notebooks/ on the GoNB kernel, headless, and checks that it ran and drew its
# figures (`make test-notebooks`, part of `make test`). Usage: scripts/test_notebooks.sh [notebook.ipynb ...]
#
# The notebooks run to the end even past a failing cell (so the saved copy shows GoNB's compiler or panic
# message); scripts/check_notebook.py then fails on any error output, and unless each executed notebook holds at
# least the number of figures (image/png or image/svg+xml outputs, or HTML embedding one) its metadata
# "ganbook": {"min_figures": N} asks for. In the chapters (metadata "ganbook": {"prose_numbers": true}) it also
# fails when the prose quotes a number no output prints (tagged <!--out-->) or an untagged measurement: see
# scripts/check_notebook.py. Before executing anything it runs the checker's own tests
# (scripts/test_check_notebook.py) and the prose rules on the unexecuted notebooks, which fail in a second.
# Executed copies are left in $NOTEBOOK_OUT (default a temp folder).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
	echo "test_notebooks: jupyter nbconvert is missing: apt-get install jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient" >&2
	exit 1
fi
kernels="$(jupyter kernelspec list 2>/dev/null || true)"
if ! grep -qw gonb <<<"$kernels"; then
	echo "test_notebooks: the gonb kernel is not installed: run make kernel" >&2
	exit 1
fi
out="${NOTEBOOK_OUT:-$(mktemp -d -t ganbook-notebooks.XXXXXX)}"
mkdir -p "$out"
timeout_s="${NOTEBOOK_TIMEOUT:-900}" # per cell

notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then
	notebooks=(notebooks/*.ipynb)
fi
if ! python3 "$root/scripts/test_check_notebook.py" >"$out/check_notebook.test.log" 2>&1; then
	echo "FAIL scripts/test_check_notebook.py (the checker's tests):"
	tail -n 40 "$out/check_notebook.test.log"
	exit 1
fi
if ! python3 "$root/scripts/check_notebook.py" --prose "${notebooks[@]}"; then
	exit 1
fi
failed=0
for nb in "${notebooks[@]}"; do
	name="$(basename "$nb")"
	case "$nb" in # an assignment's master (assignments/<id>/master.ipynb) is executed as assignment-<id>.ipynb
	*/master.ipynb) name="assignment-$(basename "$(dirname "$nb")").ipynb" ;;
	esac
	start=$(date +%s)
	if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=gonb \
		--ExecutePreprocessor.allow_errors=True --ExecutePreprocessor.timeout="$timeout_s" \
		--output-dir "$out" --output "$name" "$nb" >"$out/$name.log" 2>&1; then
		echo "FAIL $nb: nbconvert failed (a cell timed out, or the kernel died); the end of its log ($out/$name.log):"
		tail -n 40 "$out/$name.log"
		failed=1
		continue
	fi
	if ! python3 "$root/scripts/check_notebook.py" "$out/$name"; then
		failed=1
		continue
	fi
	echo "ok   $nb ($(( $(date +%s) - start )) s)"
done
exit $failed
