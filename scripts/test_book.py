#!/usr/bin/env python3
"""Opens the book and the Notebook server in headless Chromium and checks what a reader would see
(`make test-book`, the last step of `make test`). Python's standard library and Debian's chromium only.

Usage: test_book.py [--book DIR] [--notebooks DIR] [--shots DIR] [--skip-jupyter]

1. The book (DIR, default book/, from `make book`): serves it on a free 127.0.0.1 port and, for the index and
   each page notebooks/NN_*.ipynb should have, loads it in Chromium (network limited to 127.0.0.1), lets its
   scripts run (--virtual-time-budget) and reads the DOM (--dump-dom). A page fails if it
   - shows an error output (nbconvert's error block, marked class="ganbook-error") or a MathJax error;
   - holds fewer figures (outputs with an <img> or <svg>) than its notebook's metadata.ganbook.min_figures;
   - still shows raw TeX in its text ($$, \\frac or any \\command, $x$) outside code, or has a formula that
     MathJax did not typeset (each <script type="math/tex"> needs its MathJax-Element-N-Frame);
   - lacks its links to the contents and to the chapters before and after it;
   and the book fails if any file it asks for is missing (a 404 from the server), if a page refers to a
   script, style sheet or image on another host, or if Chromium's net log shows a page asking another host
   for anything (Chromium's own background requests, initiated by no page, are not counted). Each page is
   also saved as a screenshot.
2. `make jupyter` on a free 127.0.0.1 port (a throwaway Jupyter config: no browser, a random token): opens
   notebooks/00_setup.ipynb through the Notebook server in Chromium and checks that the page names the gonb
   kernel (its kernelspec's display name, e.g. "Go (gonb)") and that the server then has a session for it
   running the gonb kernel; then stops the server.

Screenshots go to --shots (default: the executed notebooks' folder, $NOTEBOOK_OUT or book/executed), as
<page>.book.png and 00_setup.jupyter.png.
"""
import argparse
import functools
import glob
import html.parser
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr"}
# TeX that should have been typeset: display math, a backslash command, or inline $...$ with no space inside
# the dollars' ends.
RAW_TEX = re.compile(r"\$\$|\\[A-Za-z]{2,}|\\[\[\]()]|\$[^\s$][^$\n]{0,200}?(?<=[^\s$\\])\$")


def has_tex(markdown):
    """Whether Markdown holds a formula: $...$ or $$...$$ outside code blocks and code spans."""
    text = re.sub(r"(?s)```.*?```", " ", markdown)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return bool(re.search(r"\$\$.+?\$\$|\$[^\s$][^$\n]*?\$", text, re.S))


def chromium(args, timeout=90):
    """Runs headless Chromium with networking limited to 127.0.0.1; returns (stdout, stderr)."""
    profile = tempfile.mkdtemp(prefix="ganbook-chromium.")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] + args
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dump_dom(url, budget_ms=10000, foreign=None):
    """The DOM after the page's scripts ran. With a list for foreign, also appends to it each URL the page
    itself asked for (the requests Chromium's net log says it initiated) on a host other than the page's."""
    netlog = tempfile.NamedTemporaryFile(prefix="ganbook-netlog.", suffix=".json", delete=False).name
    try:
        out, err = chromium(["--virtual-time-budget=%d" % budget_ms, "--log-net-log=" + netlog, "--dump-dom", url])
        if not out.strip():
            raise RuntimeError("chromium printed no DOM for %s; its stderr ends:\n%s" % (url, err[-2000:]))
        if foreign is not None:
            origin = "/".join(url.split("/")[:3])
            with open(netlog) as f:
                text = f.read()
            try:
                events = json.loads(text).get("events", [])
            except ValueError:  # a log cut short: read what it holds
                events = [json.loads(m) for m in re.findall(r'\{"params":\{[^{}]*\}[^{}]*\}', text)]
            for e in events:
                params = e.get("params") or {}
                u = params.get("url", "")
                if params.get("initiator") == origin and u and not u.startswith((origin + "/", "data:", "blob:")):
                    if u not in foreign:
                        foreign.append(u)
        return out
    finally:
        os.unlink(netlog)


def screenshot(url, path, height=2400, budget_ms=10000):
    chromium(["--virtual-time-budget=%d" % budget_ms, "--window-size=1280,%d" % height,
              "--screenshot=" + path, url])
    return os.path.exists(path) and os.path.getsize(path) > 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Page(html.parser.HTMLParser):
    """What the checks need from a dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, flags) of the open elements
        self.text = []  # readable text outside code, scripts and styles
        self.outputs = []  # per output area: whether it holds an img or svg
        self.errors = 0
        self.math_errors = 0
        self.tex_scripts = set()
        self.tex_frames = set()
        self.nav_links = []
        self.links = []
        self.resources = []  # src/href of what the page loads

    def flag(self, name):
        return any(name in f for _, f in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        flags = set()
        if tag in ("script", "style", "pre", "code", "textarea", "math"):
            flags.add("hidden")
        if "jp-OutputArea-output" in cls and not self.flag("output"):
            flags.add("output")
            self.outputs.append(False)
        if "ganbook-error" in cls:
            self.errors += 1
        if "MathJax_Error" in cls or "mjx-merror" in cls or tag == "merror":
            self.math_errors += 1
        if tag == "nav" and "ganbook-nav" in cls:
            flags.add("nav")
        if "MJX_Assistive_MathML" in cls or "MathJax_Preview" in cls:
            flags.add("hidden")
        m = re.fullmatch(r"MathJax-Element-(\d+)(-Frame)?", a.get("id") or "")
        if m:
            (self.tex_frames if m.group(2) else self.tex_scripts).add(m.group(1))
        if tag == "script" and (a.get("type") or "").startswith("math/tex") and not m:
            self.tex_scripts.add("unnumbered-%d" % len(self.tex_scripts))
        if tag in ("img", "svg") and self.flag("output") and not self.flag("svg"):
            self.outputs[-1] = True
        if tag == "svg":
            flags.add("svg")
        if tag == "a" and a.get("href"):
            (self.nav_links if self.flag("nav") else self.links).append(a["href"])
        if tag in ("script", "img", "iframe", "source", "video", "audio") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.resources.append(a["href"])
        if tag in VOID:
            return
        self.stack.append((tag, flags))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.flag("hidden") and not self.flag("svg") and not self.flag("output"):
            self.text.append(data)


def parse(dom):
    p = Page()
    p.feed(dom)
    p.close()
    return p


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    log = []

    def log_request(self, code="-", size="-"):
        QuietHandler.log.append((str(code), self.path))

    def log_message(self, *args):
        pass


def serve(directory):
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=directory))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def remote_refs(path):
    """Scripts, style sheets, images or imports the HTML file would fetch from another host."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bad = re.findall(r"""<(?:script|img|iframe|source|embed|video|audio)\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", text, re.I)
    bad += re.findall(r"""<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", text, re.I)
    bad += re.findall(r"""@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s]+)""", text, re.I)
    bad += re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')\s]+)""", text, re.I)
    return bad


def check_book(book, notebooks, shots):
    failures = []
    sources = sorted(glob.glob(os.path.join(notebooks, "[0-9][0-9]_*.ipynb")))
    if not sources:
        return ["no notebooks in %s" % notebooks]
    pages = [os.path.basename(s)[:-len(".ipynb")] + ".html" for s in sources]
    for f in ["index.html"] + pages:
        if not os.path.exists(os.path.join(book, f)):
            failures.append("%s: missing (run make book)" % f)
    if failures:
        return failures
    httpd = serve(book)
    base = "http://127.0.0.1:%d/" % httpd.server_address[1]
    try:
        for f in ["index.html"] + pages:
            for ref in remote_refs(os.path.join(book, f)):
                failures.append("%s: loads %s from another host" % (f, ref))

        start = time.time()
        foreign = []
        index = parse(dump_dom(base + "index.html", 5000, foreign))
        bad = ["no link to %s" % pg for pg in pages if pg not in index.links]
        if foreign:
            bad.append("asked for %d URLs on other hosts: %s" % (len(foreign), ", ".join(foreign[:5])))
        imgs = [r for r in index.resources if r.startswith("figures/")]
        raw = sorted(set(m.group(0)[:40] for m in RAW_TEX.finditer("".join(index.text))))
        if raw:
            bad.append("raw TeX in its text: %s" % ", ".join(repr(r) for r in raw[:8]))
        if len(index.tex_scripts - index.tex_frames):
            bad.append("%d formulas not typeset by MathJax" % len(index.tex_scripts - index.tex_frames))
        if len(imgs) < len(pages):
            bad.append("%d key figures for %d chapters" % (len(imgs), len(pages)))
        if not screenshot(base + "index.html", os.path.join(shots, "index.book.png"), 1800, 5000):
            bad.append("no screenshot")
        if bad:
            failures += ["index.html: %s" % b for b in bad]
            print("FAIL index.html: %s" % "; ".join(bad))
        else:
            print("ok   index.html (%d chapters, %d key figures, %.0f s)" % (len(pages), len(imgs),
                                                                          time.time() - start))

        for i, (src, pg) in enumerate(zip(sources, pages)):
            start = time.time()
            with open(src, encoding="utf-8") as f:
                nb = json.load(f)
            want = nb.get("metadata", {}).get("ganbook", {}).get("min_figures", 1)
            has_math = any(c.get("cell_type") == "markdown" and has_tex("".join(c.get("source", [])))
                           for c in nb.get("cells", []))
            foreign = []
            p = parse(dump_dom(base + pg, foreign=foreign))
            bad = []
            if foreign:
                bad.append("asked for %d URLs on other hosts: %s" % (len(foreign), ", ".join(foreign[:5])))
            if p.errors:
                bad.append("%d error outputs" % p.errors)
            if p.math_errors:
                bad.append("%d MathJax errors" % p.math_errors)
            figs = sum(p.outputs)
            if figs < want:
                bad.append("%d figures, its notebook's min_figures is %d" % (figs, want))
            text = "".join(p.text)
            raw = sorted(set(m.group(0)[:40] for m in RAW_TEX.finditer(text)))
            if raw:
                bad.append("raw TeX in its text: %s" % ", ".join(repr(r) for r in raw[:8]))
            untyped = len(p.tex_scripts - p.tex_frames)
            if untyped:
                bad.append("%d of %d formulas not typeset by MathJax" % (untyped, len(p.tex_scripts)))
            if has_math and not p.tex_frames:
                bad.append("its notebook has formulas ($) but MathJax typeset none")
            wanted = ["index.html"] + ([pages[i - 1]] if i > 0 else []) + ([pages[i + 1]] if i + 1 < len(pages) else [])
            for w in wanted:
                if w not in p.nav_links:
                    bad.append("no link to %s in its navigation bar" % w)
            shot = os.path.join(shots, pg[:-len(".html")] + ".book.png")
            if not screenshot(base + pg, shot):
                bad.append("no screenshot")
            if bad:
                failures += ["%s: %s" % (pg, b) for b in bad]
                print("FAIL %s: %s" % (pg, "; ".join(bad)))
            else:
                print("ok   %s (%d figures >= %d, %d formulas typeset, %.0f s)" % (
                    pg, figs, want, len(p.tex_frames), time.time() - start))
        missing = sorted(set(path for code, path in QuietHandler.log if code == "404" and path != "/favicon.ico"))
        for m in missing:
            failures.append("the book has no %s (asked for by a page)" % m)
    finally:
        httpd.shutdown()
    return failures


def http_json(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


def kernel_display_name(name="gonb"):
    try:
        out = subprocess.run(["jupyter", "kernelspec", "list", "--json"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True, timeout=60).stdout
        return json.loads(out)["kernelspecs"][name]["spec"]["display_name"]
    except Exception as e:  # noqa: BLE001 -- reported as a failure
        raise RuntimeError("the %s kernel is not installed (make kernel): %s" % (name, e))


def check_jupyter(shots):
    failures = []
    display = kernel_display_name()
    port = free_port()
    token = secrets.token_hex(16)
    config = tempfile.mkdtemp(prefix="ganbook-jupyter-config.")
    with open(os.path.join(config, "jupyter_notebook_config.py"), "w") as f:
        # The classic Notebook's setting, and jupyter_server's (JupyterLab, Notebook 7) where make jupyter uses it.
        f.write("c.NotebookApp.open_browser = False\nc.ServerApp.open_browser = False\n")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=config, JUPYTER_TOKEN=token)
    log_path = os.path.join(shots, "jupyter.log")
    log = open(log_path, "w")
    make = os.environ.get("MAKE", "make")
    checkpoints = os.path.join(ROOT, "notebooks", ".ipynb_checkpoints")  # the Notebook makes it on opening
    had_checkpoints = os.path.exists(checkpoints)
    # A session of its own, so that the server and the make above it stop together.
    proc = subprocess.Popen([make, "--no-print-directory", "-C", ROOT, "jupyter", "JUPYTER_PORT=%d" % port],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = "http://127.0.0.1:%d/" % port
    start = time.time()
    try:
        while True:
            try:
                http_json(base + "api/status?token=" + token)
                break
            except Exception:  # noqa: BLE001 -- not up yet
                if proc.poll() is not None or time.time() - start > 180:
                    log.flush()
                    with open(log_path) as f:
                        tail = f.read()[-3000:]
                    return ["make jupyter did not serve on 127.0.0.1:%d (its log, %s, ends):\n%s" % (
                        port, log_path, tail)]
                time.sleep(0.5)
        lab = subprocess.run(["jupyter", "lab", "--version"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL).returncode == 0  # what make jupyter chose
        url = base + ("lab/tree/" if lab else "notebooks/") + "00_setup.ipynb?token=" + token
        dom = dump_dom(url, 20000)
        # The classic Notebook's kernel indicator; elsewhere (JupyterLab's toolbar) the name anywhere in the page.
        m = re.search(r'class="[^"]*kernel_indicator_name[^"]*"[^>]*>([^<]*)<', dom)
        shown = m.group(1).strip() if m else (display if ">%s<" % display in dom else "")
        if shown != display:
            failures.append("jupyter: the notebook page names kernel %r, want %r" % (shown, display))
        if "00_setup" not in dom:
            failures.append("jupyter: the page does not show notebook 00_setup")
        sessions = http_json(base + "api/sessions?token=" + token) or []
        ours = [s for s in sessions if s.get("path", "").endswith("00_setup.ipynb")]
        if not ours:
            failures.append("jupyter: no session for 00_setup.ipynb after opening it")
        elif ours[0].get("kernel", {}).get("name") != "gonb":
            failures.append("jupyter: its session runs kernel %r, not gonb" % ours[0].get("kernel", {}).get("name"))
        state = ours[0].get("kernel", {}).get("execution_state") if ours else None
        if not screenshot(url, os.path.join(shots, "00_setup.jupyter.png"), 1000, 15000):
            failures.append("jupyter: no screenshot")
        for s in http_json(base + "api/sessions?token=" + token) or []:
            try:
                http_json(base + "api/sessions/%s?token=%s" % (s["id"], token), "DELETE")
            except Exception:  # noqa: BLE001 -- the server is stopped next anyway
                pass
        if not failures:
            print("ok   make jupyter: 00_setup.ipynb opened with kernel %r (state %s, %.0f s)" % (
                shown, state, time.time() - start))
        else:
            print("FAIL make jupyter: " + "; ".join(failures))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        shutil.rmtree(config, ignore_errors=True)
        if not had_checkpoints:
            try:
                os.rmdir(checkpoints)  # only if empty
            except OSError:
                pass
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--book", default=os.path.join(ROOT, "book"))
    ap.add_argument("--notebooks", default=os.path.join(ROOT, "notebooks"))
    ap.add_argument("--shots", default=os.environ.get("NOTEBOOK_OUT") or os.path.join(ROOT, "book", "executed"))
    ap.add_argument("--skip-jupyter", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit("test_book: no chromium (%s): apt-get install chromium, or make setup" % CHROMIUM)
    os.makedirs(args.shots, exist_ok=True)
    start = time.time()
    failures = check_book(args.book, args.notebooks, args.shots)
    if not args.skip_jupyter:
        try:
            failures += check_jupyter(args.shots)
        except RuntimeError as e:
            failures.append("jupyter: %s" % e)
    print("test_book: %s in %.0f s; screenshots in %s" % ("FAIL" if failures else "ok", time.time() - start,
                                                          args.shots))
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
