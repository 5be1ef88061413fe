"""How long the notebooks' widgets take to redraw, headless (matplotlib Agg).

Each widget callback's figure function is called across a sweep of slider values.
Two times are recorded per call: computing the figure (the callback itself, which is
what the target is about) and computing plus rendering it to pixels
(``fig.canvas.draw()``). The browser adds its own transfer and paint time on top.
Target: median compute time < 50 ms per slider move.

    .venv/bin/python benchmarks/widget_redraw.py
"""
from __future__ import annotations

import itertools
import os
import platform
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from rnnlab.byhand.charmodel import init_char_rnn, sample  # noqa: E402
from rnnlab.data import load_python_docs  # noqa: E402
from rnnlab.experiments.gradflow import INITS, NONLINEARITIES, measure_gradient_flow  # noqa: E402
from rnnlab.plots import gradflow_plots as gfplots  # noqa: E402
from rnnlab.plots.bptt_plots import reach_figure  # noqa: E402
from rnnlab.plots.memory_plots import draw_memory  # noqa: E402

TARGET_MS = 50.0


def _time(make) -> tuple[float, float]:
    """(compute ms, compute + render ms) of one call of ``make() -> (fig, _)``.

    A widget that prints text instead of drawing returns ``(None, text)``: nothing to render.
    """
    start = time.perf_counter()
    fig, _ = make()
    computed = time.perf_counter()
    if fig is None:
        return (computed - start) * 1e3, (computed - start) * 1e3
    fig.canvas.draw()
    drawn = time.perf_counter()
    plt.close(fig)
    return (computed - start) * 1e3, (drawn - start) * 1e3


def sweep(name, calls) -> None:
    calls = list(calls)
    _time(calls[0])  # warm-up: imports, font cache
    times = np.array([_time(c) for c in calls])
    med_c, med_d = np.median(times, axis=0)
    max_c, max_d = times.max(axis=0)
    verdict = "ok" if med_c < TARGET_MS else "OVER"
    print(f"{name:<16} {len(calls):>5}  {med_c:9.1f} {max_c:9.1f}  {med_d:9.1f} {max_d:9.1f}  {verdict}")


def main() -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"matplotlib {matplotlib.__version__} (Agg)")
    print(f"{'widget':<16} {'calls':>5}  {'compute ms':>19}  {'compute+render ms':>19}  target: median compute < {TARGET_MS:.0f} ms")
    print(f"{'':<16} {'':>5}  {'median':>9} {'max':>9}  {'median':>9} {'max':>9}")
    sweep("01 memory", (
        (lambda s=s, T=T: (draw_memory(s, T), None))
        for s, T in itertools.product((0.1, 0.5, 1.0, 1.5, 2.0, 3.0), (5, 30, 60, 100))
    ))
    sweep("02 truncation", (
        (lambda k2=k2, sc=sc: reach_figure(k2, sc)) for k2, sc in itertools.product((1, 5, 10, 20, 40), (0.5, 2.0, 4.0))
    ))
    char_model = init_char_rnn(load_python_docs(), hidden_size=100, seed=0)  # the notebook's size (untrained)
    sweep("02 temperature", (
        (lambda t=t: (None, sample(char_model, 300, prompt="The ", temperature=t, seed=0)))
        for t in (0.05, 0.5, 1.0, 1.5, 3.0)
    ))
    sweep("03 gradient flow", (
        (lambda s=s, T=T, f=f, i=i: (lambda flow: (gfplots.gradient_flow_figure(flow), flow))(
            measure_gradient_flow(s, T, f, i)))
        for s, T, f, i in itertools.product((0.0, 0.5, 1.0, 2.0, 4.0), (1, 60, 300), NONLINEARITIES, INITS)
    ))
    sweep("03 clipping", (
        (lambda th=th: gfplots.clipping_figure(th)) for th in np.logspace(-2, 4, 25)
    ))


if __name__ == "__main__":
    main()
