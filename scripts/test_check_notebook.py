#!/usr/bin/env python3
"""Tests of scripts/check_notebook.py on tiny notebooks written to a temporary folder:
python3 scripts/test_check_notebook.py (scripts/test_notebooks.sh runs it first)."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_notebook  # noqa: E402


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": [text]}


def svg(*texts):
    body = "".join('<text x="1" y="2">%s</text>' % t for t in texts)
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": ['<div><svg width="10">' + body + "</svg></div>"]}}


def notebook(markdown, outputs=(), prose=True, more=()):
    cells = [{"cell_type": "markdown", "id": "m1", "metadata": {}, "source": markdown},
             {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "outputs": list(outputs),
              "source": "%%\n"}]
    cells += list(more)
    meta = {"ganbook": {"min_figures": 0}}
    if prose:
        meta["ganbook"]["prose_numbers"] = True
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


class CheckNotebookTest(unittest.TestCase):
    def run_check(self, nb, prose_only=False):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "nb.ipynb")
            with open(path, "w") as f:
                json.dump(nb, f)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                rc = check_notebook.main(path, prose_only)
            return rc, out.getvalue()

    def assertPasses(self, nb, prose_only=False):
        rc, out = self.run_check(nb, prose_only)
        self.assertEqual(rc, 0, out)

    def assertFails(self, nb, want, prose_only=False):
        rc, out = self.run_check(nb, prose_only)
        self.assertEqual(rc, 1, "passed, want a failure with %r" % want)
        self.assertIn(want, out)

    def test_tagged_number_printed(self):
        self.assertPasses(notebook("A score of 9.28<!--out-->.", [stream("score 9.28, FD 10.6\n")]))

    def test_tagged_number_not_printed(self):
        self.assertFails(notebook("A score of 9.33<!--out-->.", [stream("score 9.28\n")]), "9.33: no output prints it")

    def test_same_digits_only(self):
        for printed in ["9.281", "19.28", "9.2", "9.28.1"]:
            self.assertFails(notebook("9.28<!--out-->", [stream("x %s y\n" % printed)]), "no output prints it")

    def test_thousands_separators(self):
        self.assertPasses(notebook("after 4,456<!--out--> steps", [stream("step 4456\n")]))
        self.assertPasses(notebook("after 4456<!--out--> steps", [stream("step 4,456\n")]))
        self.assertPasses(notebook("a distance of 2,174.5<!--out-->", [stream("FD 2174.5\n")]))

    def test_percent_must_be_printed_as_a_percent(self):
        self.assertPasses(notebook("digit 96.0%<!--out-->", [stream("digit  96.0%\n")]))
        self.assertFails(notebook("digit 96.0%<!--out-->", [stream("digit 96.0\n")]), "96.0%: no output")

    def test_unicode_minus(self):
        self.assertPasses(notebook("a value of \u22121.17<!--out-->", [stream("V = -1.17\n")]))

    def test_svg_text(self):
        self.assertPasses(notebook("the title says 22%<!--out-->", [svg("step 3000: 6 of 8 modes, 22% within 3σ")]))

    def test_named_cell(self):
        other = {"cell_type": "code", "id": "c2", "metadata": {}, "execution_count": 2,
                 "outputs": [stream("0.5\n")], "source": "%%\n"}
        self.assertPasses(notebook("0.5<!--out:c2-->", [stream("0.7\n")], more=[other]))
        self.assertFails(notebook("0.5<!--out:c1-->", [stream("0.7\n")], more=[other]), "0.5: no output of cell c1")
        self.assertFails(notebook("0.5<!--out:zz-->", [stream("0.5\n")]), "names no cell")

    def test_untagged_measurement(self):
        self.assertFails(notebook("a score of 9.28, then", [stream("9.28\n")]), "9.28: untagged")
        self.assertFails(notebook("covers 94% of them", [stream("94%\n")]), "94%: untagged")

    def test_fixed(self):
        self.assertPasses(notebook("Adam with β1 = 0.5<!--fixed--> and 98%<!--fixed--> to reach"))

    def test_not_prose(self):
        md = ("Code `lr = 0.5`, math $\\sigma = 0.8$ and\n$$x = 1.5$$\nand $a =\n0.25$, a [link](a/b1.5.html),\n\n"
              "    ganbook train --lr 0.0002\n\n```\nx := 3.14\n```\n"
              "GoMLX v0.28.16, Go 1.27.3, arXiv 1605.05396, section 7.2, chapter 02, 10 steps, 3σ, pix2pix, 7×7×128, Apache-2.0.")
        self.assertPasses(notebook(md))

    def test_expected_only_in_exercises(self):
        self.assertFails(notebook("Expect 0.25<!--expected-->."), "outside an Exercises section")
        self.assertPasses(notebook("## Exercises\n\n1. Expect about 0.25<!--expected-->."))
        self.assertPasses(notebook("### Exercises\n\n1. Expect 12%<!--expected-->."))

    def test_exercises_heading_carries_to_the_next_cells(self):
        nb = notebook("## Exercises\n\n1. Do this.")
        nb["cells"].append({"cell_type": "markdown", "id": "m2", "metadata": {}, "source": "2. Expect 0.25<!--expected-->."})
        self.assertPasses(nb)

    def test_tag_without_number(self):
        self.assertFails(notebook("the score <!--out--> is high"), "follows no number")

    def test_prose_only_mode(self):
        nb = notebook("a score of 9.33<!--out-->")
        nb["cells"][1]["outputs"] = []
        self.assertPasses(nb, prose_only=True)  # unexecuted: tagged numbers cannot be looked up
        self.assertFails(notebook("a score of 9.33"), "untagged", prose_only=True)

    def test_opt_in(self):
        self.assertPasses(notebook("a score of 9.33", prose=False))

    def test_errors_and_figures_still_checked(self):
        nb = notebook("no numbers", [{"output_type": "error", "ename": "panic", "evalue": "boom", "traceback": []}])
        self.assertFails(nb, "error outputs")
        nb = notebook("no numbers")
        nb["metadata"]["ganbook"]["min_figures"] = 1
        self.assertFails(nb, "0 figures")
        nb = notebook("no numbers", [svg("a")])
        nb["metadata"]["ganbook"]["min_figures"] = 1
        self.assertPasses(nb)


if __name__ == "__main__":
    unittest.main()
