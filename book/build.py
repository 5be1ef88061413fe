"""Stage the course's website sources into build/book/src, for Sphinx (``make book``).

Nothing is executed: the pages show the outputs stored in ``notebooks/*.ipynb``. The source
notebooks are never changed; this script writes changed *copies*:

- every widget output is replaced by its last state, drawn statically (sliders and menus as
  "name = value", progress bars as bars, an Output widget's stored figures and text), under a
  note that the widget moves in JupyterLab and the command that opens the notebook. The
  notebooks' widget state (``metadata.widgets``) is dropped, so no page loads a widget
  manager from a CDN: the site works offline.
- "notebook NN" in a markdown cell (of a notebook or an assignment) becomes a link to that notebook's page,
  and a paper's title in italics (*Long short-term memory*) a link to the paper (book/papers.json).
- the landing page's course map is generated from README.md's "## The course" table (one
  source of truth), thumbnails included; book/index.md holds the text around it.
- the instructors' guide (docs/INSTRUCTORS.md) is copied; the assignments are the *student*
  versions that ``nbgrader generate_assignment`` writes (as ``make release`` does) into a
  build folder, never the sources.

Usage: python book/build.py [SRC]  (default build/book/src; then
sphinx-build -c book build/book/src build/book/html, as ``make book`` does)
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SRC = ROOT / "build" / "book" / "src"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


# ---- the course map, from README.md ----------------------------------------------------------

def course_rows(readme: str) -> list[dict]:
    """The rows of README.md's "## The course" table: number, title, notebook file, text, image, alt."""
    section = readme.split("## The course", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\(notebooks/([^)]+)\)\s*\|(.*)\|\s*(.*?)\s*\|\s*$", line)
        if not m:
            continue
        number, title, path, what, cell = m.groups()
        img = re.search(r'src="([^"]+)"', cell)
        alt = re.search(r'alt="([^"]*)"', cell)
        rows.append(dict(number=number, title=title, doc=Path(path).stem, what=what.strip(),
                         image=img.group(1) if img else None, alt=alt.group(1) if alt else title))
    if not rows:
        sys.exit("book/build.py: README.md has no rows in its '## The course' table")
    return rows


def course_map(rows: list[dict]) -> str:
    """A MyST list-table of the course: links to the pages, thumbnails copied by Sphinx."""
    out = ["````{list-table}", ":header-rows: 1", ":class: course-map", "", "* - #", "  - notebook",
           "  - what you do", "  - "]
    for r in rows:
        out += [f"* - {r['number']}", f"  - {{doc}}`{r['title']} <notebooks/{r['doc']}>`", f"  - {r['what']}"]
        if r["image"]:
            out += ["  - ```{image} " + r["image"], "    :width: 200px", f"    :alt: {r['alt']}",
                    f"    :target: notebooks/{r['doc']}.html", "    ```"]
        else:
            out += ["  - "]
    out.append("````")
    return "\n".join(out)


# ---- notebooks: static widgets, links between notebooks ----------------------------------------

def _control(state: dict) -> str | None:
    """One control's last value as HTML, or None when the model is not a control."""
    name = state.get("_model_name", "")
    label = html.escape(state.get("description") or "")
    if name.endswith("SliderModel") or name in ("TextModel", "CheckboxModel", "IntTextModel", "FloatTextModel"):
        value = state.get("value")   # FloatLogSlider too: ipywidgets stores the value, not its exponent
        return f'<span class="widget-static-control">{label} = <code>{html.escape(str(value))}</code></span>'
    if name in ("DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel"):
        labels, index = state.get("_options_labels") or [], state.get("index")
        value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else index
        return f'<span class="widget-static-control">{label} = <code>{html.escape(str(value))}</code></span>'
    if name == "ButtonModel":
        return f'<span class="widget-static-control">[{label}]</span>'
    return None


def _walk(model_id: str, models: dict, html_parts: list[str], outputs: list[dict]) -> None:
    """Collect the static HTML of a widget tree and the outputs its Output widgets hold."""
    state = models.get(model_id, {}).get("state", {})
    name = state.get("_model_name", "")
    control = _control(state)
    if control:
        html_parts.append(control)
    elif name in ("HTMLModel", "LabelModel", "HTMLMathModel"):
        html_parts.append(state.get("value", "") if name != "LabelModel" else html.escape(state.get("value", "")))
    elif name in ("FloatProgressModel", "IntProgressModel"):
        html_parts.append(f'<progress value="{state.get("value", 0)}" max="{state.get("max", 100)}"></progress>')
    elif name == "OutputModel":
        outputs.extend(state.get("outputs", []))
    for child in state.get("children", []):
        _walk(child.removeprefix("IPY_MODEL_"), models, html_parts, outputs)


def static_widget(view: dict, models: dict, notebook: str, live: bool) -> list[dict]:
    """The outputs that stand for one widget view: its controls' last values, then what it drew."""
    parts: list[str] = []
    drawn: list[dict] = []
    _walk(view["model_id"], models, parts, drawn)
    out = []
    if live:   # an interactive widget, not a progress bar
        note = ('<div class="widget-static-note">This is a live widget in JupyterLab: run <code>make lab</code>, '
                f'then open <code>notebooks/{notebook}</code>. Shown here in its last state'
                + (':</div>' if parts else '.</div>'))
        parts.insert(0, note)
    if parts:
        out.append({"output_type": "display_data", "metadata": {},
                    "data": {"text/html": '<div class="widget-static">' + " ".join(parts) + "</div>",
                             "text/plain": "(widget)"}})
    return out + drawn   # the Output widgets' stored outputs (figures, printed lines), as they are


def _is_progress(view: dict, models: dict) -> bool:
    state = models.get(view["model_id"], {}).get("state", {})
    kids = [models.get(c.removeprefix("IPY_MODEL_"), {}).get("state", {}).get("_model_name")
            for c in state.get("children", [])]
    return state.get("_model_name") == "HBoxModel" and "FloatProgressModel" in kids


def link_notebooks(markdown: str, docs: dict[str, str]) -> str:
    """"notebook NN" (not already a link, not in code) -> a link to notebook NN's page."""
    out, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced:
            pieces = re.split(r"(`[^`]*`)", line)   # leave inline code alone
            for i in range(0, len(pieces), 2):
                pieces[i] = re.sub(r"(?<![\[\w/])([Nn]otebook (\d\d))\b(?![\]\w-])",
                                   lambda m: f"[{m.group(1)}]({docs[m.group(2)]})" if m.group(2) in docs
                                   else m.group(0), pieces[i])
            line = "".join(pieces)
        out.append(line)
    return "\n".join(out)


PAPERS = {k: v for k, v in json.loads((BOOK / "papers.json").read_text(encoding="utf-8")).items()
          if not k.startswith("_")}
ITALIC = re.compile(r"(?<![*\w\[])\*(?![*\s])([^*\n]+(?:\n[^*\n]+)*?)(?<!\s)\*(?![*\w\]])")


def _title_key(text: str) -> str:
    """A title compared without case, line breaks or the kind of dash: "Encoder–Decoder\n" ~ "encoder-decoder"."""
    return re.sub(r"\s+", " ", re.sub(r"[‐-―]", "-", text)).strip().lower()


def paper_url(title: str, papers: dict[str, str] = PAPERS) -> str | None:
    """The address of the paper an italic ``title`` names: a title equal to a key of book/papers.json, or
    starting with a key of 20 characters or more (the notebooks often give a long title's first words)."""
    t = _title_key(title)
    for key, url in papers.items():
        k = _title_key(key)
        if t == k or (len(k) >= 20 and t.startswith(k)):
            return url
    return None


def link_papers(markdown: str, papers: dict[str, str] = PAPERS) -> str:
    """Each italic paper title (``*Title*``) that book/papers.json knows -> a link to the paper."""
    def link(m: re.Match) -> str:
        url = paper_url(m.group(1), papers)
        return f"[*{m.group(1)}*]({url})" if url else m.group(0)
    parts = re.split(r"(```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$)", markdown, flags=re.S)   # not in code or maths
    return "".join(part if i % 2 else ITALIC.sub(link, part) for i, part in enumerate(parts))


def stage_notebook(path: Path, docs: dict[str, str], dest: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    models = nb.get("metadata", {}).pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            cell["source"] = link_papers(link_notebooks(source, docs))
        if "outputs" in cell:
            new = []
            for o in cell["outputs"]:
                view = o.get("data", {}).get(WIDGET_VIEW)
                if view is None:
                    new.append(o)
                else:   # a tqdm bar is drawn as it ended; any other widget also gets the JupyterLab note
                    new += static_widget(view, models, path.name, live=not _is_progress(view, models))
            cell["outputs"] = new
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")


# ---- assignments: the student versions only -------------------------------------------------

def student_versions(release: Path, grading: Path) -> list[Path]:
    """``nbgrader generate_assignment`` (as ``make release``) into ``release``; the notebooks made."""
    exe = Path(sys.executable).with_name("nbgrader")
    if not exe.exists():
        sys.exit("book/build.py: nbgrader is missing (pip install -e '.[instructor]'); the book's assignments "
                 "are the student versions that nbgrader makes from the sources")
    env = dict(os.environ, RNNLAB_RELEASE_DIR=str(release), RNNLAB_GRADING_DIR=str(grading),
               PATH=f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
               TRAITLETS_APPLICATION_RAISE_CONFIG_FILE_ERROR="1")
    done = subprocess.run([str(exe), "generate_assignment", "*", "--force"], cwd=ROOT / "notebooks" / "assignments",
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"book/build.py: nbgrader generate_assignment failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return sorted(release.glob("*/*.ipynb"))


def first_heading(nb: dict) -> str:
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        m = re.search(r"^#\s+(.+)$", src, re.M)
        if cell["cell_type"] == "markdown" and m:
            return m.group(1).strip()
    return "assignment"


def main(src: Path = SRC) -> None:
    """Write the site's sources into ``src`` (emptied first); nbgrader's release and gradebook beside it."""
    src = Path(src).resolve()
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks").mkdir(parents=True)
    rows = course_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    docs = {p.name[:2]: p.name for p in NOTEBOOKS}
    for path in NOTEBOOKS:
        stage_notebook(path, docs, src / "notebooks" / path.name)
    shutil.copytree(ROOT / "figures", src / "figures",
                    ignore=shutil.ignore_patterns("browser", "book", "*.tmp"))

    index = (BOOK / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(index.replace("<!-- course-map -->", course_map(rows)), encoding="utf-8")
    (src / "instructors.md").write_text((ROOT / "docs" / "INSTRUCTORS.md").read_text(encoding="utf-8"),
                                        encoding="utf-8")

    release = src.parent / "release"      # the student versions, as `make release` makes them
    if release.exists():
        shutil.rmtree(release)
    (src / "assignments").mkdir()
    listing = []
    for nb_path in student_versions(release, src.parent / "grading"):   # a gradebook of its own
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:   # "notebook 09" -> the notebook's page, one folder up
            if cell["cell_type"] == "markdown":
                cell["source"] = link_notebooks("".join(cell["source"]), {k: f"../notebooks/{v}" for k, v in docs.items()})
        (src / "assignments" / nb_path.name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
        title = first_heading(nb)
        listing.append(f"- {{doc}}`{title} <assignments/{nb_path.stem}>`")
    overview = (BOOK / "assignments.md").read_text(encoding="utf-8")
    overview = overview.replace("<!-- assignments -->", "\n".join(listing))
    toc = "\n".join(f"assignments/{p.stem}" for p in sorted(release.glob("*/*.ipynb")))
    (src / "assignments.md").write_text(overview.replace("<!-- assignments-toc -->", toc), encoding="utf-8")
    print(f"book/build.py: staged {len(NOTEBOOKS)} notebooks, {len(listing)} student assignments -> {src}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SRC)
