#!/usr/bin/env bash
# Builds the book (`make book`): every chapter notebooks/NN_*.ipynb executed, then rendered to static HTML in
# $BOOK_DIR (default book/, not committed) by scripts/build_book.py; open $BOOK_DIR/index.html.
#
# The executed copies are those scripts/test_notebooks.sh leaves in $NOTEBOOK_OUT (default $BOOK_DIR/executed;
# `make test` writes them there just before it builds and checks the book). A copy is executed again only if it
# is missing, fails scripts/check_notebook.py (an error output, too few figures), or is older than its notebook
# or than the Go code and pretrained runs it uses; `rm -r book/executed` forces every chapter to run again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${BOOK_DIR:-book}"
executed="${NOTEBOOK_OUT:-$out/executed}"
mkdir -p "$executed" "$out"

if ! command -v jupyter >/dev/null || ! jupyter nbconvert --version >/dev/null 2>&1; then
	echo "build_book: jupyter nbconvert is missing: make setup (or apt-get install jupyter-nbconvert libjs-mathjax)" >&2
	exit 1
fi
# nbconvert's Python: the one that runs Jupyter (Debian's /usr/bin/python3), not whichever python3 comes first.
python="$(head -n 1 "$(command -v jupyter)" | sed -n 's/^#! *//p' | awk '{print $1}')"
if [ -z "$python" ] || ! "$python" -c 'import nbconvert' 2>/dev/null; then
	python=python3
fi

notebooks=(notebooks/[0-9][0-9]_*.ipynb)
stale=()
for nb in "${notebooks[@]}"; do
	ex="$executed/$(basename "$nb")"
	if [ ! -f "$ex" ] || [ "$nb" -nt "$ex" ] ||
		[ -n "$(find cmd pkg internal pretrained go.mod go.sum -newer "$ex" -type f -print -quit 2>/dev/null)" ] ||
		! python3 scripts/check_notebook.py "$ex" >/dev/null 2>&1; then
		stale+=("$nb")
	fi
done
if [ ${#stale[@]} -gt 0 ]; then
	echo "book: executing ${stale[*]}"
	NOTEBOOK_OUT="$executed" ./scripts/test_notebooks.sh "${stale[@]}"
fi
"$python" scripts/build_book.py "$executed" "$out" "${notebooks[@]}"
