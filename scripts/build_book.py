#!/usr/bin/env python3
"""Renders ganbook's executed notebooks as a static HTML book (`make book`, through scripts/build_book.sh).

Usage: build_book.py EXECUTED_DIR OUT_DIR notebooks/00_setup.ipynb notebooks/01_....ipynb ...

Each notebook's executed copy (EXECUTED_DIR/<name>.ipynb, which scripts/test_notebooks.sh writes) becomes
OUT_DIR/<name>.html with JupyterLab's HTML export (nbconvert, template scripts/book_template/ganbook), its
figures inline, a bar of links (contents, previous and next chapter) at the top and the bottom, and links
between notebooks (href="02_dcgan.ipynb") pointed at their pages. OUT_DIR/index.html lists the chapters, each
with its title, its opening prose and one key figure: the figure numbered metadata.ganbook.key_figure (0-based,
among the figures scripts/check_notebook.py counts; negative counts from the end), by default the last PNG one
(a sample grid rather than a plot), else the last. Formulas are typeset in the reader's browser by MathJax 2
from Debian's libjs-mathjax, copied into OUT_DIR/mathjax (only the parts the TeX-AMS_CHTML-full configuration
loads), and require.js from libjs-requirejs into OUT_DIR/static: the pages load nothing from the network.

The graded assignments (notebooks/assignments/*.ipynb, next to the chapters) are rendered as they are handed
out, unexecuted, to OUT_DIR/assignment-<name>.html, with the notebook itself in OUT_DIR/assignments/ to
download; the index lists them after the chapters, and a chapter's link to one (href="assignments/dcgan.ipynb",
which works in Jupyter) is pointed at its page.

Needs nbconvert (Debian's jupyter-nbconvert); run it with the Python that runs Jupyter.
"""
import base64
import html
import json
import os
import re
import shutil
import sys

from nbconvert import HTMLExporter
import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
MATHJAX_SRC = os.environ.get("GANBOOK_MATHJAX_DIR", "/usr/share/javascript/mathjax")
REQUIREJS_SRC = os.environ.get("GANBOOK_REQUIREJS", "/usr/share/javascript/requirejs/require.min.js")
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
# What MathJax 2 loads for TeX input and CommonHTML output (TeX-AMS_CHTML-full holds the jax themselves; the
# rest it fetches as it needs them). Paths under MATHJAX_SRC, copied with symlinks followed (Debian links the
# fonts from fonts-mathjax).
MATHJAX_PARTS = [
    "MathJax.js",
    "config/TeX-AMS_CHTML-full.js",
    "config/Safe.js",
    "config/local",
    "extensions",
    "jax/input/TeX",
    "jax/output/CommonHTML",
    "jax/element",
    "localization/en",
    "fonts/HTML-CSS/TeX/woff",
    "fonts/HTML-CSS/TeX/otf",
]

NAV_CSS = """
<style type="text/css">
nav.ganbook-nav { display: flex; justify-content: space-between; gap: 1em; max-width: 1100px;
  margin: 0.5em auto; padding: 0.6em 1em; font: 15px/1.4 sans-serif; background: #f3f5f7;
  border: 1px solid #d8dde3; border-radius: 6px; }
nav.ganbook-nav a { color: #1a5fb4; text-decoration: none; }
nav.ganbook-nav a:hover { text-decoration: underline; }
nav.ganbook-nav span { min-width: 30%; }
nav.ganbook-nav .next { text-align: right; }
nav.ganbook-nav .up { text-align: center; }
</style>
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<script type="text/x-mathjax-config">
MathJax.Hub.Config({{tex2jax: {{inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], processEscapes: true}}, messageStyle: "none"}});
</script>
<script src="{mathjax}"></script>
<style type="text/css">
body {{ font: 16px/1.5 sans-serif; color: #1f2328; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
h1 {{ margin-bottom: 0.2em; }}
p.lead {{ color: #555; margin-top: 0; }}
ol.chapters {{ list-style: none; padding: 0; }}
ol.chapters li {{ display: flex; gap: 1.5em; align-items: flex-start; border-top: 1px solid #d8dde3;
  padding: 1.2em 0; }}
ol.chapters figure {{ margin: 0; flex: 0 0 280px; }}
ol.chapters figure img {{ max-width: 280px; max-height: 280px; border: 1px solid #d8dde3; background: #fff; }}
ol.chapters h2 {{ margin: 0 0 0.3em 0; font-size: 1.3em; }}
ol.chapters a {{ color: #1a5fb4; text-decoration: none; }}
ol.chapters a:hover {{ text-decoration: underline; }}
ul.assignments {{ padding-left: 1.2em; }}
ul.assignments li {{ margin: 0.6em 0; }}
ul.assignments a {{ color: #1a5fb4; text-decoration: none; }}
footer {{ color: #666; font-size: 0.9em; border-top: 1px solid #d8dde3; padding-top: 1em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="lead">The course's notebooks, executed on the GoNB kernel and rendered as pages; each figure and
number below came out of the Go code shown with it. To run them yourself: <code>make jupyter</code>.</p>
<ol class="chapters">
{items}
</ol>
<h2 id="assignments">Graded assignments</h2>
<p class="lead">Each assignment asks for the functions of one chapter, checked by <code>%test</code> cells as you
go and graded by <code>ganbook grade</code>. Open the notebook in Jupyter (<code>make jupyter</code>, folder
<code>assignments/</code>) to work on it.</p>
<ul class="assignments">
{assignments}
</ul>
<footer>Built by <code>make book</code> from the executed notebooks in <code>{executed}</code>.</footer>
</body>
</html>
"""

ITEM_TEMPLATE = """<li class="chapter">
<figure>{figure}</figure>
<div>
<h2><a href="{page}">{title}</a></h2>
<p>{summary}</p>
<p><a href="{page}">Read the chapter &rarr;</a></p>
</div>
</li>"""


def joined(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def figures(nb):
    """Every figure, as scripts/check_notebook.py counts them: (extension, bytes) of each output's first one."""
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                found.append(("png", base64.b64decode(joined(data["image/png"]))))
                continue
            if "image/svg+xml" in data:
                found.append(("svg", joined(data["image/svg+xml"]).encode()))
                continue
            h = joined(data.get("text/html", ""))
            m = re.search(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)", h)
            s = re.search(r"(?s)<svg\b.*?</svg>", h)
            if m and (not s or m.start() < s.start()):
                found.append(("png", base64.b64decode(re.sub(r"\s", "", m.group(1)))))
            elif s:
                svg = s.group(0)
                if "xmlns=" not in svg[:400]:
                    svg = svg.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
                found.append(("svg", svg.encode()))
    return found


def plain(markdown):
    """Markdown prose as plain text: links by their text, emphasis and code marks dropped, formulas kept."""
    parts = re.split(r"(\$\$.+?\$\$|\$[^$\n]+\$)", markdown)
    for i in range(0, len(parts), 2):
        t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", parts[i])
        parts[i] = re.sub(r"[*_`]", "", t)
    return "".join(parts)


def heading_and_summary(nb, want=250, most=600):
    """The first level-1 heading of the notebook, and the prose after it (whole paragraphs, about `want`
    characters; lists, tables, code, display formulas and the sentences that lead into them left out), as plain
    text with its inline formulas."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        lines = joined(cell.get("source")).splitlines()
        heading = None
        for k, line in enumerate(lines):
            if line.startswith("# "):
                heading = line[2:].strip()
                break
        if heading is None:
            continue
        paras, cur = [], []
        for line in lines[k + 1:] + [""]:
            if line.strip():
                cur.append(line.strip())
            elif cur:
                paras.append(cur)
                cur = []
        text = ""
        for para in paras:
            first = para[0]
            if first.startswith(("|", "$$", "```", "- ", "* ", "> ", "#", "<")) or re.match(r"\d+\. ", first):
                continue
            p = plain(" ".join(para))
            if p.rstrip().endswith((":", ",")):
                continue  # a lead-in to a list, a table or a formula left out
            if len(text) + len(p) > most:
                # Cut at a sentence's end outside a formula, or not at all.
                cut = max((m.end() for m in re.finditer(r"[.:;] ", p[:most - len(text)])
                           if p[:m.end()].count("$") % 2 == 0), default=0)
                if cut:
                    text += (" " if text else "") + p[:cut].strip() + " …"
                break
            text += (" " if text else "") + p
            if len(text) >= want:
                break
        return heading, text
    return None, ""


ASSIGNMENT_TEMPLATE = """<li><a href="{page}">{title}</a> (<a href="{download}" download>the notebook</a>):
{summary}</li>"""


def assignment_pages(sources):
    """The graded assignments beside the chapters: [(path, stem)] of notebooks/assignments/*.ipynb, sorted by
    their number (the "Assignment N" of their heading)."""
    if not sources:
        return []
    folder = os.path.join(os.path.dirname(sources[0]), "assignments")
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        if name.endswith(".ipynb"):
            path = os.path.join(folder, name)
            heading, _ = heading_and_summary(nbformat.read(path, as_version=4))
            m = re.search(r"Assignment (\d+)", heading or "")
            found.append((int(m.group(1)) if m else 999, path, name[:-len(".ipynb")]))
    return [(path, stem) for _, path, stem in sorted(found)]


def point_links(body, names):
    """Links to a notebook of the book go to its page; links to an assignment to its page."""
    body = re.sub(r'href="(\d\d_[\w-]+\.ipynb)(#[^"]*)?"',
                  lambda m: 'href="%s%s"' % (names.get(m.group(1), m.group(1)), m.group(2) or ""), body)
    return re.sub(r'href="(?:\.\./)?assignments/([\w-]+)\.ipynb(#[^"]*)?"',
                  lambda m: 'href="assignment-%s.html%s"' % (m.group(1), m.group(2) or ""), body)


def nav(pages, i):
    def link(j, cls, arrow_before, arrow_after):
        if j < 0 or j >= len(pages):
            return '<span class="%s"></span>' % cls
        return '<span class="%s"><a href="%s" rel="%s">%s%s%s</a></span>' % (
            cls, pages[j]["page"], "prev" if j < i else "next", arrow_before, html.escape(pages[j]["title"]),
            arrow_after)
    return '<nav class="ganbook-nav">%s<span class="up"><a href="index.html" rel="contents">Contents</a></span>%s</nav>' % (
        link(i - 1, "prev", "&larr; ", ""), link(i + 1, "next", "", " &rarr;"))


def copy_mathjax(out):
    dst_root = os.path.join(out, "mathjax")
    if os.path.isdir(dst_root):
        shutil.rmtree(dst_root)
    for part in MATHJAX_PARTS:
        src = os.path.join(MATHJAX_SRC, part)
        if not os.path.exists(src):
            if part in ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "jax/output/CommonHTML"):
                sys.exit("build_book: %s is missing: apt-get install libjs-mathjax fonts-mathjax" % src)
            continue
        dst = os.path.join(dst_root, part)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=False)
        else:
            shutil.copyfile(src, dst)
    static = os.path.join(out, "static")
    os.makedirs(static, exist_ok=True)
    if not os.path.exists(REQUIREJS_SRC):
        sys.exit("build_book: %s is missing: apt-get install libjs-requirejs" % REQUIREJS_SRC)
    shutil.copyfile(REQUIREJS_SRC, os.path.join(static, "require.min.js"))


def drop_kernel_scripts(nb):
    """Removes the outputs that are GoNB's connection to a live kernel (the comms script its widgets install,
    which opens a WebSocket to the Jupyter server): in a static page there is no kernel, and the book asks for
    nothing outside itself. The widgets' inert HTML stays, with the figures the cell drew."""
    def kernel_script(out):
        h = joined(out.get("data", {}).get("text/html", ""))
        return "gonb_comm" in h and "<script" in h

    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if not kernel_script(o)]


def main(executed, out, sources):
    os.makedirs(os.path.join(out, "figures"), exist_ok=True)
    copy_mathjax(out)
    exporter = HTMLExporter(
        template_name="ganbook",
        extra_template_basedirs=[os.path.join(HERE, "book_template")],
        mathjax_url=MATHJAX_URL,
        require_js_url="static/require.min.js",
    )
    pages = []
    for src in sources:
        name = os.path.basename(src)
        stem = name[:-len(".ipynb")]
        path = os.path.join(executed, name)
        nb = nbformat.read(path, as_version=4)
        drop_kernel_scripts(nb)
        meta = nb.metadata.get("ganbook", {})
        heading, summary = heading_and_summary(nb)
        pages.append({"nb": nb, "stem": stem, "name": name, "page": stem + ".html",
                      "title": heading or meta.get("title") or stem, "summary": summary,
                      "key": meta.get("key_figure")})
    names = {p["name"]: p["page"] for p in pages}
    items = []
    for i, p in enumerate(pages):
        body, _ = exporter.from_notebook_node(p["nb"], resources={"metadata": {"name": p["title"]}})
        body = point_links(body, names)
        bar = nav(pages, i)
        body = body.replace("</head>", NAV_CSS + "</head>", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + bar, body, count=1)
        body = body.replace("</body>", bar + "\n</body>", 1)
        with open(os.path.join(out, p["page"]), "w", encoding="utf-8") as f:
            f.write(body)

        figs = figures(p["nb"])
        figure = ""
        if figs:
            pngs = [j for j, (ext, _) in enumerate(figs) if ext == "png"]
            k = p["key"]
            if not (isinstance(k, int) and -len(figs) <= k < len(figs)):
                k = pngs[-1] if pngs else -1
            ext, data = figs[k]
            fig_path = "figures/%s.%s" % (p["stem"], ext)
            with open(os.path.join(out, fig_path), "wb") as f:
                f.write(data)
            figure = '<a href="%s"><img src="%s" alt="a figure of %s"></a>' % (
                p["page"], fig_path, html.escape(p["title"], quote=True))
        items.append(ITEM_TEMPLATE.format(figure=figure, page=p["page"], title=html.escape(p["title"]),
                                          summary=html.escape(p["summary"])))
    assignments = []
    os.makedirs(os.path.join(out, "assignments"), exist_ok=True)
    up = '<nav class="ganbook-nav"><span class="prev"></span><span class="up"><a href="index.html#assignments" ' \
         'rel="contents">Contents</a></span><span class="next"></span></nav>'
    for path, stem in assignment_pages(sources):
        nb = nbformat.read(path, as_version=4)
        title, summary = heading_and_summary(nb, want=120)  # its first paragraph
        title = title or stem
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        body = point_links(body, names)
        body = body.replace("</head>", NAV_CSS + "</head>", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + up, body, count=1)
        body = body.replace("</body>", up + "\n</body>", 1)
        page = "assignment-%s.html" % stem
        with open(os.path.join(out, page), "w", encoding="utf-8") as f:
            f.write(body)
        shutil.copyfile(path, os.path.join(out, "assignments", stem + ".ipynb"))
        assignments.append(ASSIGNMENT_TEMPLATE.format(page=page, title=html.escape(title),
                                                      download="assignments/%s.ipynb" % stem,
                                                      summary=html.escape(summary)))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(INDEX_TEMPLATE.format(title="ganbook: GANs in Go, on GoMLX", items="\n".join(items), mathjax=MATHJAX_URL,
                                      executed=html.escape(executed), assignments="\n".join(assignments)))
    print("book: %d chapters and %d assignments in %s/index.html" % (len(pages), len(assignments), out))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
