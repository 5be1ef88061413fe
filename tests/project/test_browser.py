"""The course in a real browser: JupyterLab in headless Chromium, run all cells, move sliders.

For each notebook: open it, clear its outputs, run all cells, check that no cell failed and
that no widget shows "Error displaying widget"; then move a slider (or type into a box) and
check that the widget's figure changed and that the numbers it prints match the new value,
computed here independently. Screenshots of each widget cell, before and after, go to
``figures/browser/`` (git-ignored): look at them when this test changes.

Needs Debian's ``chromium`` (installed by the test under CI=true) and the ``playwright``
package (installed by ``make test``); see ``tests/project/browser_lab.py``.
"""
from __future__ import annotations

import re
import time

import pytest

from browser_lab import ROOT, CHROMIUM_FLAGS, LabPage, LabServer, _in_ci, find_chromium

SHOTS = ROOT / "figures" / "browser"
NOTEBOOKS = ["03-vanishing-gradients.ipynb", "07-language-models.ipynb", "09-attention.ipynb", "13-speech-ctc.ipynb",
             "16-image-captioning.ipynb"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if sync_playwright is None:
        message = "browser test: the playwright package is missing; `make test` installs it"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    chromium = find_chromium()
    server = LabServer(tmp_path_factory.mktemp("lab"), NOTEBOOKS).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(120_000)
            yield LabPage(page, server)
            browser.close()
    finally:
        server.stop()


def _screenshot(locator, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SHOTS / f"{name}.png"))


def _image(output) -> str:
    """The src of the (single) figure in a widget's output area: a data: URL of the PNG."""
    img = output.locator("img").first
    img.wait_for()
    return img.get_attribute("src")


def _caption(output, pattern: str, timeout: float = 30.0) -> str:
    """The line of the widget's printed output that matches ``pattern``, waiting until it is there.

    Read from the DOM's textContent, which does not depend on how the cell is laid out (innerText
    is empty while JupyterLab has a cell's content out of view or is re-rendering a widget view).
    """
    deadline = time.monotonic() + timeout
    while True:
        text = output.text_content() or ""
        found = re.search(pattern, text)
        if found:
            return found.group(0).strip()
        if time.monotonic() > deadline:
            raise AssertionError(f"no line matching {pattern!r} in the widget's output within {timeout:.0f} s; "
                                 f"it shows: {text[-400:]!r}")
        time.sleep(0.2)


def _run(lab: LabPage, name: str) -> None:
    lab.open(name)
    state = lab.run_all()
    assert not state["errors"], f"{name}: cells failed in the browser: {state['errors']}"
    assert lab.page.get_by_text("Error displaying widget").count() == 0, f"{name}: a widget failed to render"


def test_the_course_opens_without_first_run_noise(lab):
    """`make lab` opens on the course, not on "get notified about official Jupyter news?": the
    course's settings (jupyter-settings/, installed into the environment by `make setup`) answer
    the question, and the server fetches no news and checks for no update."""
    # the environment's overrides.json becomes the settings' defaults (a student's own choice still wins)
    defaults = lab.server.get_json("/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]
    assert defaults["properties"]["fetchNews"]["default"] == "false"
    assert defaults["properties"]["checkForUpdates"]["default"] is False
    assert lab.server.get_json("/lab/api/news") == {"news": []}
    assert lab.server.get_json("/lab/api/update") == {"notification": None}
    lab.page.goto(f"{lab.server.url}/lab?token={lab.server.token}&reset")
    lab.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget !== undefined")
    lab.page.evaluate("() => window.jupyterapp.restored")
    lab.page.wait_for_timeout(5000)          # the question comes as a toast soon after the app restores
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=str(SHOTS / "00-first-start.png"))
    assert lab.page.get_by_text(re.compile("Jupyter news", re.I)).count() == 0, "the news pop-up is showing"
    assert lab.page.locator(".Toastify__toast").count() == 0, (
        "a notification is showing: " + " | ".join(lab.page.locator(".Toastify__toast").all_inner_texts()))


def test_notebook_03_gradient_widget_redraws_with_the_new_value(lab):
    from rnnlab.experiments.gradflow import measure_gradient_flow
    from rnnlab.plots.gradflow_plots import gradient_flow_caption

    _run(lab, "03-vanishing-gradients.ipynb")
    cell = lab.widget_cell("flow_widget = widgets.interact")
    output = cell.locator(".widget-output")
    assert _caption(output, r"scale 1, T = 60:[^\n]*").startswith("scale 1, T = 60:")
    before = _image(output)
    _screenshot(cell, "03-widget-before")

    handle = cell.locator(".widget-slider .noUi-handle").first  # "scale of W_hh", step 0.05
    handle.focus()
    for _ in range(4):
        handle.press("ArrowRight")
    readout = cell.locator(".widget-readout").first
    lab.page.wait_for_function("(el) => el.textContent.trim() === '1.20'", arg=readout.element_handle())
    _caption(output, r"scale 1\.2, T = 60:[^\n]*")
    lab.wait_for_kernel_idle(30)
    after = _image(output)
    _screenshot(cell, "03-widget-after")
    assert after != before, "the figure did not change when the slider moved"
    expected = gradient_flow_caption(1.2, 60, measure_gradient_flow(1.2, 60, "tanh", "gaussian", n=32, seed=0))
    assert _caption(output, r"scale 1\.2, T = 60:[^\n]*") == expected


def test_notebook_07_sampling_widget_answers_a_new_temperature(lab):
    _run(lab, "07-language-models.ipynb")
    cell = lab.widget_cell("sampling_widget = widgets.interact")
    output = cell.locator(".widget-output")
    prompt = "The default value of the "
    output.get_by_text("temperature 1.00, top-p 1.00:").wait_for()
    text_before = output.text_content()
    before = _image(output)
    _screenshot(cell, "07-widget-before")

    sliders = cell.locator(".widget-slider")
    handle = sliders.nth(0).locator(".noUi-handle")  # temperature, step 0.05, from 1.00
    handle.focus()
    for _ in range(10):
        handle.press("ArrowLeft")
    readout = sliders.nth(0).locator(".widget-readout")
    lab.page.wait_for_function("(el) => el.textContent.trim() === '0.50'", arg=readout.element_handle())
    lab.page.wait_for_function("(el) => el.textContent.includes('temperature 0.50, top-p 1.00:')",
                               arg=output.element_handle(), timeout=60_000)
    lab.wait_for_kernel_idle(30)
    after = _image(output)
    _screenshot(cell, "07-widget-after")
    assert after != before, "the next-character chart did not change with the temperature"
    sample = output.text_content()
    assert prompt in sample and sample != text_before


def test_notebook_09_heatmap_browser_follows_the_slider_and_a_typed_date(lab):
    _run(lab, "09-attention.ipynb")
    cell = lab.widget_cell("browse = widgets.IntSlider")
    output = cell.locator(".widget-output")
    message = output.get_by_text(re.compile(r"^output '"))
    message.wait_for()
    first_date = cell.locator(".widget-text input").input_value()
    before, text_before = _image(output), message.text_content()
    assert "✓ correct" in text_before or "✗ expected" in text_before
    _screenshot(cell, "09-widget-before")

    handle = cell.locator(".widget-slider .noUi-handle").first  # "test date": 0 -> 1
    handle.focus()
    handle.press("ArrowRight")
    lab.page.wait_for_function("([el, old]) => el.value !== old",
                               arg=[cell.locator(".widget-text input").element_handle(), first_date])
    lab.page.wait_for_function("([el, old]) => el.textContent.includes(\"output '\") && !el.textContent.includes(old)",
                               arg=[output.element_handle(), text_before], timeout=30_000)
    lab.wait_for_kernel_idle(30)
    assert _image(output) != before, "the heatmap did not change with the next test date"

    box = cell.locator(".widget-text input")
    box.fill("14 juillet 1987")
    box.press("Enter")
    lab.page.wait_for_function("(el) => el.textContent.includes(\"output '1987-07-14'\")",
                               arg=output.element_handle(), timeout=30_000)
    lab.wait_for_kernel_idle(30)
    _screenshot(cell, "09-widget-typed")
    box.fill("14 juillet 1987 ☃")
    box.press("Enter")
    lab.page.wait_for_function("(el) => el.textContent.includes('Cannot read this input')",
                               arg=output.element_handle(), timeout=30_000)
    assert "☃" in output.text_content()
    assert output.locator("img").count() == 0, "an unreadable input must not leave a stale heatmap"


def test_notebook_13_utterance_browser_plays_draws_and_decodes_the_chosen_utterance(lab):
    from rnnlab.tasks import speech

    test_set = speech.speech_splits((300, 60, 60), n_speakers=(16, 4, 4), seed=0, snr_db=10)["test"]
    _run(lab, "13-speech-ctc.ipynb")
    cell = lab.widget_cell("widget = interact(show_utterance")
    output = cell.locator(".widget-output")
    assert _caption(output, r"truth: +'[^']*'") == f"truth:  {test_set[0].text!r}"
    assert output.locator("audio").count() == 1, "the widget shows no audio player"
    before = _image(output)
    _caption(output, r"best alignment of the truth: [-_a-zA-Z]+")
    _screenshot(cell, "13-widget-before")

    handle = cell.locator(".widget-slider .noUi-handle").first  # "utterance": 0 -> 1
    handle.focus()
    handle.press("ArrowRight")
    readout = cell.locator(".widget-readout").first
    lab.page.wait_for_function("(el) => el.textContent.trim() === '1'", arg=readout.element_handle())
    _caption(output, "truth: +" + re.escape(repr(test_set[1].text)))
    lab.wait_for_kernel_idle(30)
    assert _image(output) != before, "the spectrogram did not change with the next utterance"
    assert output.locator("audio").count() == 1
    assert re.search(r"greedy: '[^']*' [✓✗]", output.text_content())
    _screenshot(cell, "13-widget-after")


def test_notebook_16_drawn_scene_is_captioned_redrawn_and_refused_when_objects_overlap(lab):
    from rnnlab.tasks import scenes as sc

    red_circle, blue_square = sc.SceneObject("circle", "red", "small", 8, 10), sc.SceneObject("square", "blue", "large", 22, 20)
    _run(lab, "16-image-captioning.ipynb")
    cell = lab.widget_cell("drawer = interact(draw_and_caption")
    output = cell.locator(".widget-output")
    truth = sc.caption([red_circle, blue_square])
    assert _caption(output, r"truth: +[a-z ]+") == f"truth:   {truth}".strip()
    assert re.search(r"caption: [a-z ]*", output.text_content())
    before = _image(output)
    _screenshot(cell, "16-widget-before")

    shape1 = cell.locator(".widget-dropdown select").nth(1)      # decoder, then shape 1
    shape1.select_option("triangle")
    red_triangle = sc.SceneObject("triangle", "red", "small", 8, 10)
    _caption(output, "truth: +" + re.escape(sc.caption([red_triangle, blue_square])))
    lab.wait_for_kernel_idle(30)
    assert _image(output) != before, "the scene and its attention maps did not change with the shape"
    assert re.search(r"truth: .* [✅❌]", output.text_content())
    _screenshot(cell, "16-widget-after")

    third = cell.locator(".widget-checkbox input").nth(1)         # object 2 (on), object 3 (off)
    third.check()                                                  # a small green triangle at (16, 26): on the square
    with pytest.raises(ValueError, match="overlap"):
        sc.render_scene([red_triangle, blue_square, sc.SceneObject("triangle", "green", "small", 16, 26)])
    _caption(output, r"cannot draw this scene: .*overlap")
    lab.wait_for_kernel_idle(30)
    assert output.locator("img").count() == 0, "a scene that cannot be drawn must not leave a stale picture"
    _screenshot(cell, "16-widget-refused")
