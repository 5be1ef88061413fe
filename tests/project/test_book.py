"""The course's website (``make book``): built from the stored notebooks, checked as files and in Chromium.

The module builds the site once, into a temporary folder (book/build.py, then Sphinx with book/conf.py),
and checks:

- it builds in under 2 minutes, with no Sphinx warning;
- nothing of the assignments' solutions or hidden tests is anywhere in it (student versions only);
- no page loads anything from another host (it must work offline: MathJax is served from the site);
- the landing page's course map is README.md's, every widget is drawn in its last state with the note
  that it moves in JupyterLab, "notebook NN" became a link;
- in Debian's Chromium (Playwright), crawling every page from index.html: no console error, no failed
  request, every <img> loaded, maths typeset by MathJax with no TeX error, every internal link (and its
  #fragment) resolves, and the search page finds notebook 16. Screenshots go to ``figures/book/``
  (git-ignored): look at them when the book changes.

Under CI=true a missing sphinx, nbgrader, playwright or chromium fails the test; elsewhere it is skipped.
"""
from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from pathlib import Path

import pytest

from assignments_helpers import ASSIGNMENTS, BEGIN, END, file_haystack, leaks, load, nbgrader_exe, secrets, source_path
from browser_lab import CHROMIUM_FLAGS, ROOT, _in_ci, find_chromium

sys.path.insert(0, str(ROOT / "book"))
import build as book_build  # noqa: E402  (book/build.py: the staging step)

SHOTS = ROOT / "figures" / "book"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTE = "This is a live widget in JupyterLab"


def _missing(what: str) -> None:
    message = f"book test: {what} is missing; `make test` (or `make book`) installs it"
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict:
    """Build the site once: {'html': folder, 'seconds': build time, 'log': Sphinx's stderr}."""
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        if importlib.util.find_spec(module) is None:
            _missing(f"the `{module}` package (the `book` extra)")
    nbgrader_exe()   # the assignments' student versions are made by nbgrader
    tmp = tmp_path_factory.mktemp("book")
    start = time.monotonic()
    steps = [[sys.executable, str(ROOT / "book" / "build.py"), str(tmp / "src")],
             [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-c", str(ROOT / "book"),
              "-d", str(tmp / "doctrees"), str(tmp / "src"), str(tmp / "html")]]
    log = ""
    for cmd in steps:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        log += done.stderr
    return {"html": tmp / "html", "src": tmp / "src", "seconds": time.monotonic() - start, "log": log}


def _pages(html: Path) -> list[Path]:
    return sorted(html.rglob("*.html"))


# ---- the built files ------------------------------------------------------------------------

def test_builds_in_under_two_minutes_without_warnings(site):
    assert site["seconds"] < 120, f"the book took {site['seconds']:.0f} s to build (limit 120 s)"
    warnings = [line for line in site["log"].splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "Sphinx warned:\n" + "\n".join(warnings[:20])
    names = {p.relative_to(site["html"]).as_posix() for p in _pages(site["html"])}
    expected = {f"notebooks/{p.stem}.html" for p in book_build.NOTEBOOKS} | {f"assignments/{a}.html" for a in ASSIGNMENTS}
    expected |= {"index.html", "instructors.html", "assignments.html", "search.html"}
    assert expected <= names, f"pages missing from the site: {sorted(expected - names)}"


def test_no_solution_or_hidden_test_anywhere_in_the_site(site):
    files = [p for p in site["html"].rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".txt", ".json", ".ipynb")]
    everything = "\n".join(file_haystack(p) for p in files)
    notebooks = "\n".join(file_haystack(p) for p in book_build.NOTEBOOKS)
    # the markers themselves (the instructors' guide may name them in its prose, not as a code line)
    assignments = "\n".join(file_haystack(p) for p in files if "assignments" in p.relative_to(site["html"]).parts)
    assert assignments, "no assignment pages in the site"
    for marker in BEGIN + END:
        assert marker not in assignments, f"{marker!r} is on an assignment page: a source notebook was published"
    for assignment in ASSIGNMENTS:
        lines, numbers = secrets(load(source_path(assignment)))
        assert lines, f"{assignment}: no secret lines found in the source, so this check could not fail"
        # site-wide, the lines that the course's notebooks do not share (they teach the same loops)
        own = {line for line in lines if line not in notebooks}
        assert own and not leaks(everything, own, set()), f"{assignment}: {leaks(everything, own, set())[:5]} in the site"
        # numbers only on the assignment's own page: other pages print numbers of their own
        page = file_haystack(site["html"] / "assignments" / f"{assignment}.html")
        assert not leaks(page, lines, numbers), f"{assignment}: its page leaks {leaks(page, lines, numbers)[:5]}"


def test_nothing_is_fetched_from_another_host(site):
    """Offline reading: scripts, style sheets, images, fonts, iframes come from the site itself."""
    pattern = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=\"((?:https?:)?//[^\"]+)\"", re.I)
    remote = {(p.name, m) for p in _pages(site["html"]) for m in pattern.findall(p.read_text(encoding="utf-8"))}
    assert not remote, f"pages load from other hosts: {sorted(remote)[:10]}"
    assert (site["html"] / "_static" / "mathjax" / "tex-chtml.js").exists(), "MathJax is not served from the site"


def test_landing_page_is_readmes_course_map(site):
    rows = book_build.course_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    assert [r["doc"] for r in rows] == [p.stem for p in book_build.NOTEBOOKS], "README's course table != notebooks/"
    index = (site["html"] / "index.html").read_text(encoding="utf-8")
    for row in rows:
        assert f'href="notebooks/{row["doc"]}.html"' in index, f"the course map does not link notebook {row['number']}"
        assert f'src="_images/{Path(row["image"]).name}"' in index, f"notebook {row['number']}'s thumbnail is missing"


@pytest.mark.parametrize("path", book_build.NOTEBOOKS, ids=lambda p: p.name[:2])
def test_widgets_drawn_in_their_last_state(site, path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    models = nb["metadata"].get("widgets", {}).get(book_build.WIDGET_STATE, {}).get("state", {})
    views = [o["data"][WIDGET_VIEW] for c in nb["cells"] for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    bars = sum(book_build._is_progress(v, models) for v in views)
    page = (site["html"] / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert page.count(NOTE) == len(views) - bars
    assert page.count(f"open <code>notebooks/{path.name}</code>") == len(views) - bars
    assert page.count("<progress ") == bars, "a progress bar is not drawn"
    for absent in ("widget-view+json", "Loading widget", "jupyter-widgets"):
        assert absent not in page, f"{absent!r} on {path.stem}'s page"


@pytest.mark.parametrize("markdown, expected", [
    ("as in notebook 09.", "as in [notebook 09](09-attention.ipynb)."),
    ("Notebook 03 ended", "[Notebook 03](03-vanishing-gradients.ipynb) ended"),
    ("[notebook 09](09-attention.ipynb)", "[notebook 09](09-attention.ipynb)"),   # already a link
    ("`notebook 09` in code", "`notebook 09` in code"),
    ("```\nnotebook 09\n```", "```\nnotebook 09\n```"),
    ("notebook 99 does not exist", "notebook 99 does not exist"),
    ("notebooks 02–04", "notebooks 02–04"),
])
def test_notebook_numbers_become_links(markdown, expected):
    docs = {"03": "03-vanishing-gradients.ipynb", "09": "09-attention.ipynb"}
    assert book_build.link_notebooks(markdown, docs) == expected


@pytest.mark.parametrize("path", book_build.NOTEBOOKS, ids=lambda p: p.name[:2])
def test_show_source_listings_are_on_the_pages(site, path):
    """What show_source displayed (the rnnlab source, highlighted) is on the page, listing for listing."""
    header = re.compile(r"rnnlab/[\w/]+\.py, lines \d+-\d+")
    nb = json.loads(path.read_text(encoding="utf-8"))
    stored = [m for c in nb["cells"] for o in c.get("outputs", [])
              for m in header.findall("".join(o.get("data", {}).get("text/html", "")))]
    page = (site["html"] / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert header.findall(page) == stored


def test_links_between_notebooks_in_the_built_pages(site):
    page = (site["html"] / "notebooks" / "16-image-captioning.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="reference internal" href="09-attention.html"><span[^>]*>notebook 09</span></a>', page, re.I), \
        "notebook 16 mentions notebook 09 but the page does not link it"


@pytest.mark.parametrize("markdown, expected", [
    ("*Pointer Networks*, NeurIPS 2015.", "[*Pointer Networks*](https://arxiv.org/abs/1506.03134), NeurIPS 2015."),
    ("*Empirical evaluation of gated recurrent neural networks on\n  sequence modeling*",      # a key's first words
     "[*Empirical evaluation of gated recurrent neural networks on\n  sequence modeling*](https://arxiv.org/abs/1412.3555)"),
    ("*Learning Phrase Representations using RNN Encoder-Decoder*",                          # case and dash
     "[*Learning Phrase Representations using RNN Encoder-Decoder*](https://arxiv.org/abs/1406.1078)"),
    ("*Pointer Networks for graphs*", "*Pointer Networks for graphs*"),   # a short key matches whole titles only
    ("*An unknown paper*", "*An unknown paper*"),
    ("`*Pointer Networks*` and $a *Pointer Networks* b$", "`*Pointer Networks*` and $a *Pointer Networks* b$"),
    ("**Pointer Networks**", "**Pointer Networks**"),                      # bold is not a title
    ("[*Pointer Networks*](elsewhere)", "[*Pointer Networks*](elsewhere)"),   # already a link
])
def test_paper_titles_become_links(markdown, expected):
    assert book_build.link_papers(markdown) == expected


def test_every_paper_address_is_used_and_most_further_reading_is_linked():
    """book/papers.json holds no stale entry, and 3 in 4 "Further reading" items link to their paper."""
    titles, items = [], []
    for path in book_build.NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                titles += [m.group(1) for m in book_build.ITALIC.finditer(text)]
                if "Further reading" in text:
                    items += text.split("Further reading", 1)[1].split("\n- ")[1:]
    used = {book_build.paper_url(t) for t in titles} - {None}
    assert sorted(set(book_build.PAPERS.values()) - used) == [], "book/papers.json: entries no notebook cites"
    linked = sum("](https://" in book_build.link_papers(item) for item in items)
    assert len(items) > 60 and linked >= 0.75 * len(items), f"{linked} of {len(items)} further-reading items linked"


def test_papers_are_linked_in_the_built_pages(site):
    page = (site["html"] / "notebooks" / "16-image-captioning.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="reference external" href="https://arxiv.org/abs/1502.03044"><em>Show, attend and tell', page)


# ---- in Chromium ----------------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(_Quiet, directory=str(site["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser_page(served):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the `playwright` package (the `browser` extra)")
    chromium = find_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


WAIT_FOR_MATHS = """async () => {
  const maths = document.querySelectorAll('.math').length;
  if (!maths) return {maths, typeset: 0, errors: 0};
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) await new Promise(r => setTimeout(r, 50));
  await MathJax.startup.promise;
  return {maths, typeset: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length};
}"""


def test_every_page_loads_clean_with_images_maths_and_links(browser_page, served):
    page, problems = browser_page, []
    events: list[str] = []
    page.on("console", lambda m: m.type == "error" and events.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: events.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and events.append(f"HTTP {r.status}: {r.url}"))
    page.on("request", lambda r: not r.url.startswith(served) and not r.url.startswith("data:")
            and events.append(f"request to another host: {r.url}"))

    queue, seen, ids, links, typeset = deque([served + "index.html"]), set(), {}, [], 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        events.clear()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"{url}: HTTP {response.status if response else 'no response'}")
            continue
        maths = page.evaluate(WAIT_FOR_MATHS)
        if maths["maths"] and not maths["typeset"]:
            problems.append(f"{url}: {maths['maths']} maths elements, none typeset by MathJax")
        if maths["errors"]:
            problems.append(f"{url}: {maths['errors']} TeX errors (mjx-merror)")
        typeset += maths["typeset"]
        broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        problems += [f"{url}: image did not load: {src}" for src in broken]
        ids[url] = set(page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)"))
        for href in page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if not href.startswith(served):
                continue
            links.append((url, href))
            target = urllib.parse.urldefrag(href).url
            if target.endswith(".html") and target not in seen and "/_sources/" not in target:
                queue.append(target)
        problems += [f"{url}: {e}" for e in events]

    assert len(seen) >= len(book_build.NOTEBOOKS) + len(ASSIGNMENTS) + 3, f"the crawl reached only {len(seen)} pages"
    assert typeset > 100, f"only {typeset} formulas typeset over the whole site"
    for source, href in links:
        target, fragment = urllib.parse.urldefrag(href)
        if target.endswith(".html") or target.endswith("/"):
            if target not in ids:
                problems.append(f"{source}: link to a page that did not load: {href}")
            elif fragment and urllib.parse.unquote(fragment) not in ids[target]:
                problems.append(f"{source}: link to a missing anchor: {href}")
        else:   # an image or a file: it must be served
            try:
                urllib.request.urlopen(target, timeout=10).close()
            except OSError as error:
                problems.append(f"{source}: {href}: {error}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:40])


def test_screenshots_and_search_finds_a_late_notebook(browser_page, served):
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(served + "index.html", wait_until="load")
    page.screenshot(path=str(SHOTS / "index.png"))

    page.goto(served + "notebooks/02-bptt-by-hand.html", wait_until="load")
    page.evaluate(WAIT_FOR_MATHS)
    page.locator("mjx-container[display='true']").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "02-maths.png"))

    page.goto(served + "notebooks/03-vanishing-gradients.html", wait_until="load")
    widget = page.locator(".cell", has=page.locator(".widget-static-note")).first
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(SHOTS / "03-widget.png"))
    assert widget.locator("img").count() >= 1, "the widget's last figure is not on the page"

    page.goto(served + "assignments/a3-attention-dates.html", wait_until="load")
    page.screenshot(path=str(SHOTS / "assignment.png"))

    for term in ("mean-pool", "captioning"):
        page.goto(served + f"search.html?q={urllib.parse.quote(term)}", wait_until="load")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for()
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("16-image-captioning" in h for h in hrefs), f"searching {term!r} does not find notebook 16: {hrefs}"
    page.screenshot(path=str(SHOTS / "search.png"))
