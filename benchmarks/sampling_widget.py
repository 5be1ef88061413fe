"""How long notebook 07's sampling widget takes to answer, headless (matplotlib Agg).

The widget callback (``rnnlab.plots.sampling_plots.draw_sampling``) computes the next-character
distribution and samples 200 characters from the notebook's quick-mode model size
(a one-layer LSTM, H = 128, V = 103; untrained weights: the time does not depend on
them). Timed across temperature and top-p settings. Target: median < 1 s.

    .venv/bin/python benchmarks/sampling_widget.py
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
import torch  # noqa: E402

from rnnlab.data.vocab import Vocab
from rnnlab.data.corpus import load_python_docs  # noqa: E402
from rnnlab.models.char_lm import CharLSTM  # noqa: E402
from rnnlab.plots.sampling_plots import draw_sampling  # noqa: E402

TARGET_S = 1.0
LENGTH = 200


def main() -> None:
    vocab = Vocab.from_text(load_python_docs())
    torch.manual_seed(0)
    model = CharLSTM(len(vocab), hidden_size=128)
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    settings = list(itertools.product((0.3, 1.0, 2.0), (0.5, 0.9, 1.0)))
    times, drawn = [], []
    fig, _ = draw_sampling(model, vocab, "The default value of the ", 1.0, 1.0, length=LENGTH)  # warm-up
    plt.close(fig)
    for temperature, top_p in settings:
        start = time.perf_counter()
        fig, text = draw_sampling(model, vocab, "The default value of the ", temperature, top_p, length=LENGTH)
        computed = time.perf_counter()
        fig.canvas.draw()
        drawn.append(time.perf_counter() - start)
        times.append(computed - start)
        plt.close(fig)
        assert len(text) == LENGTH
    med, worst = float(np.median(times)), max(times)
    verdict = "ok" if med < TARGET_S else "OVER"
    print(f"sampling widget, {LENGTH} characters, {len(settings)} settings: median {med * 1e3:.0f} ms, "
          f"max {worst * 1e3:.0f} ms (with rendering: median {np.median(drawn) * 1e3:.0f} ms)  "
          f"target median < {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
