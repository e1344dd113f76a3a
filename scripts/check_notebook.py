#!/usr/bin/env python3
"""Checks an executed notebook: no error outputs, and at least metadata.ganbook.min_figures figures.

A figure is an output with image/png or image/svg+xml data, or HTML that embeds a PNG (data:image/png) or an
<svg> element (pkg/viz's inline display and live training view).
"""
import html
import json
import re
import sys


def figures(nb):
    count = 0
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                count += 1
                continue
            html = data.get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if "data:image/png" in html or "<svg" in html:
                count += 1
    return count


def text_of(out):
    """The readable text of an output: a stream's text, or HTML with its tags and styles removed."""
    if out.get("output_type") == "stream":
        t = out.get("text", "")
        return "".join(t) if isinstance(t, list) else t
    h = out.get("data", {}).get("text/html", "")
    h = "".join(h) if isinstance(h, list) else h
    h = re.sub(r"(?s)<style.*?</style>", " ", h)
    return html.unescape(re.sub(r"<[^>]+>", " ", h))


def errors(nb):
    """Error outputs (GoNB's compile errors and panics), each with the messages the cell printed before it."""
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        outs = cell.get("outputs", [])
        for j, out in enumerate(outs):
            if out.get("output_type") != "error":
                continue
            context = " ".join(text_of(o) for o in outs[:j] if o.get("output_type") != "error")
            context = re.sub(r"\s+", " ", context).strip()
            found.append("cell %d (execution %s): %s: %s\n    %s" % (
                i, cell.get("execution_count"), out.get("ename"), out.get("evalue"), context[-2000:]))
    return found


def main(path):
    with open(path) as f:
        nb = json.load(f)
    want = nb.get("metadata", {}).get("ganbook", {}).get("min_figures", 1)
    errs = errors(nb)
    if errs:
        print("FAIL %s: error outputs:\n  %s" % (path, "\n  ".join(errs)))
        return 1
    got = figures(nb)
    if got < want:
        print("FAIL %s: %d figures, its metadata asks for at least %d" % (path, got, want))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(max(main(p) for p in sys.argv[1:]))
