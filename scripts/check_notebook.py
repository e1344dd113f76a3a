#!/usr/bin/env python3
"""Checks an executed notebook: no error outputs, at least metadata.ganbook.min_figures figures, and prose that
quotes only numbers its own outputs print.

Usage: check_notebook.py EXECUTED.ipynb ...       (what scripts/test_notebooks.sh runs on each executed copy)
       check_notebook.py --prose NOTEBOOK.ipynb ... (the prose rules alone, on notebooks that were not executed)

A figure is an output with image/png or image/svg+xml data, or HTML that embeds a PNG (data:image/png) or an
<svg> element (pkg/viz's inline display and live training view).

Prose numbers (in notebooks whose metadata says "ganbook": {"prose_numbers": true}; the chapters opt in):

- A number the prose quotes from an output is followed by a tag, an HTML comment that does not render:
  `a classifier score of 9.28<!--out-->`. The check fails unless the number appears, as printed, in the
  notebook's outputs: stream text, text/plain, HTML with its tags removed, and the <text> of SVG figures (their
  titles, labels and legends). `<!--out:ID-->` looks only in the outputs of the cell whose id is ID. "As
  printed" means the same digits with the same decimals (9.28 does not match 9.281 or 19.28); thousands
  separators are ignored on both sides (4,456 matches 4456), a Unicode minus is a minus, and a number followed
  by % in the prose must be followed by % in the output.
- `<!--fixed-->` marks a number that is not measured here: a setting, a paper's constant or target, a
  mathematical constant.
- `<!--expected-->` marks a number that an exercise expects the student to find; it is allowed only under an
  "Exercises" heading.
- Any other decimal number (3.5, 0.012) or percentage (94%) in the prose fails the check: a measurement the
  prose quotes without saying where it comes from. Not prose: code blocks and `code`, $math$ and $$math$$,
  link targets, HTML tags; version numbers (0.28.16), arXiv identifiers (1605.05396), section numbers
  ("section 7.2") and names' numbers (Apache-2.0) are not measurements.
"""
import html
import json
import re
import sys


def joined(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def figures(nb):
    count = 0
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                count += 1
                continue
            h = joined(data.get("text/html", ""))
            if "data:image/png" in h or "<svg" in h:
                count += 1
    return count


def text_of(out):
    """The readable text of an output: a stream's text, or HTML with its tags and styles removed."""
    if out.get("output_type") == "stream":
        return joined(out.get("text", ""))
    h = joined(out.get("data", {}).get("text/html", ""))
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


# ---- prose numbers ----

TAG = re.compile(r"<!--\s*(out|fixed|expected)(?::\s*([\w.-]+))?\s*-->")
# A number: digits with optional thousands separators and decimals, not inside a word or another number.
NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)((?:\.\d+)*)(?![\w])(\s*%)?")
NOT_A_MEASUREMENT_BEFORE = re.compile(
    r"(?:(?:arXiv|[Ss]ections?|§|Table|Figure|[Ff]ig\.|[Ee]q\.|Lemma|Theorem|Proposition|[Cc]hapter|v|version)\s*"
    r"|[A-Za-z]-)$")  # the last: a name's number, Apache-2.0


def normalise(text):
    """Output or prose text with Unicode minus signs as '-' and the thousands separators of numbers removed."""
    text = text.replace("\u2212", "-").replace("\u2009", " ").replace("\u202f", " ")
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def output_text(cell):
    """Everything a reader can read in a cell's outputs, as one string."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(joined(out.get("text", "")))
            continue
        data = out.get("data", {})
        if "text/plain" in data:
            parts.append(joined(data["text/plain"]))
        for key in ("text/html", "image/svg+xml"):
            if key in data:
                h = re.sub(r"(?s)<style.*?</style>", " ", joined(data[key]))
                h = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=\s]+", " ", h)
                parts.append(html.unescape(re.sub(r"<[^>]+>", " ", h)))
        if out.get("output_type") == "error":
            parts.append(out.get("evalue", ""))
    return normalise("\n".join(parts))


def prose_of(markdown):
    """The markdown with what is not prose blanked out (same length, so positions stay): fenced and indented
    code, `code`, $$math$$ and $math$, link targets, HTML tags other than the number tags."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"(?ms)^(```|~~~).*?^\1[^\n]*$", blank, markdown)
    text = re.sub(r"(?m)(?:(?<=\n\n)|\A)((?: {4}|\t)[^\n]*\n?)+", blank, text)
    text = re.sub(r"`[^`\n]*`", blank, text)
    text = re.sub(r"(?s)\$\$.+?\$\$", blank, text)
    text = re.sub(r"\$(?:[^$\n]|\n(?![ \t]*\n))+\$", blank, text)
    text = re.sub(r"(?<=\])\([^)\s]*\)", blank, text)
    text = re.sub(r"https?://\S+", blank, text)
    text = re.sub(r"<(?!!--)[^>\n]*>", blank, text)
    return text


def sections(markdown):
    """For each position of the markdown, whether it lies under an "Exercises" heading (of any level)."""
    marks = []
    for m in re.finditer(r"(?m)^#{1,6}\s+(.*)$", markdown):
        marks.append((m.start(), bool(re.match(r"(?i)exercises?\b", m.group(1).strip()))))
    return marks


def prose_numbers(markdown, inherited_exercises=False):
    """The numbers of a markdown cell's prose: (number as written, has %, tag or None, cell id or None, under an
    Exercises heading, line) for each."""
    text = prose_of(markdown)
    marks = sections(markdown)
    found = []
    for m in NUMBER.finditer(text):
        integer, decimals, pct = m.group(1), m.group(2), m.group(3)
        if decimals.count(".") > 1:
            continue  # a version, 0.28.16
        before = text[max(0, m.start() - 20):m.start()]
        if NOT_A_MEASUREMENT_BEFORE.search(before):
            continue
        if decimals and re.fullmatch(r"\d{4}", integer) and re.fullmatch(r"\.\d{4,5}", decimals):
            continue  # an arXiv identifier without its prefix
        tag = TAG.match(markdown, m.end())
        exercises = inherited_exercises
        for pos, ex in marks:
            if pos <= m.start():
                exercises = ex
        line = markdown.count("\n", 0, m.start()) + 1
        found.append((integer + decimals, bool(pct), tag.group(1) if tag else None, tag.group(2) if tag else None,
                      exercises, line, bool(decimals) or bool(pct)))
    return found


def in_output(number, pct, text):
    pattern = r"(?<![\d.])" + re.escape(normalise(number)) + r"(?![\d])(?!\.\d)"
    if pct:
        pattern += r"\s*%"
    return re.search(pattern, text) is not None


def check_prose(nb, executed):
    """The failures of the prose-number rules, one line each."""
    cells = nb.get("cells", [])
    outputs = {}
    for c in cells:
        if c.get("id"):
            outputs[c["id"]] = output_text(c)
    everything = "\n".join(output_text(c) for c in cells)
    bad = []
    exercises = False
    for i, c in enumerate(cells):
        if c.get("cell_type") != "markdown":
            continue
        src = joined(c.get("source"))
        for m in TAG.finditer(src):
            before = src[:m.start()]
            if not re.search(r"\d%?\s*$", before):
                bad.append("cell %d: a %s tag that follows no number: ...%s" % (i, m.group(0), before[-40:]))
        for number, pct, tag, cid, under_exercises, line, measured_looking in prose_numbers(src, exercises):
            where = "cell %d (id %s) line %d: %s%s" % (i, c.get("id"), line, number, "%" if pct else "")
            if tag is None:
                if measured_looking:
                    bad.append(where + ": untagged; follow it with <!--out--> if an output prints it, "
                               "<!--fixed--> if it is a setting or a constant")
                continue
            if tag == "expected":
                if not under_exercises:
                    bad.append(where + ": <!--expected--> outside an Exercises section")
                continue
            if tag == "fixed":
                continue
            if cid is not None and cid not in outputs:
                bad.append(where + ": <!--out:%s--> names no cell of this notebook" % cid)
                continue
            if executed and not in_output(number, pct, outputs[cid] if cid else everything):
                bad.append(where + ": no output%s prints it" % (" of cell " + cid if cid else ""))
        marks = sections(src)
        if marks:
            exercises = marks[-1][1]
    return bad


def checks_prose(nb):
    return bool(nb.get("metadata", {}).get("ganbook", {}).get("prose_numbers"))


def main(path, prose_only=False):
    with open(path) as f:
        nb = json.load(f)
    failed = 0
    if not prose_only:
        want = nb.get("metadata", {}).get("ganbook", {}).get("min_figures", 1)
        errs = errors(nb)
        if errs:
            print("FAIL %s: error outputs:\n  %s" % (path, "\n  ".join(errs)))
            return 1
        got = figures(nb)
        if got < want:
            print("FAIL %s: %d figures, its metadata asks for at least %d" % (path, got, want))
            return 1
    if checks_prose(nb):
        bad = check_prose(nb, executed=not prose_only)
        if bad:
            print("FAIL %s: prose numbers:\n  %s" % (path, "\n  ".join(bad)))
            failed = 1
    return failed


if __name__ == "__main__":
    args = sys.argv[1:]
    prose_only = False
    if args and args[0] == "--prose":
        prose_only, args = True, args[1:]
    if not args:
        sys.exit(__doc__)
    sys.exit(max(main(p, prose_only) for p in args))
