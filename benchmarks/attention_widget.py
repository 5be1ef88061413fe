"""How long notebook 09's alignment widget takes to answer, headless (matplotlib Agg).

The widget callback (``rnnlab.plots.attention_plots.alignment_figure``) decodes one date greedily with
the notebook's quick-mode model size (GRU encoder, ``BahdanauDecoder``, E = 16, H = 64; the
source and target vocabularies of ``rnnlab.tasks.dates``) and draws the attention heatmap.
The weights are untrained: an untrained decoder never writes EOS, so every call decodes the
full 14 steps -- the widget's worst case (a trained one stops after 11). Timed over test dates
of every length, the longest included, and an input with unknown characters (answered with a
message, nothing drawn).

Three times per call: the callback (decode + build the figure), the callback plus rendering to
pixels (``fig.canvas.draw()``), and the callback plus the PNG that Jupyter's inline backend
sends to the browser (``savefig(..., bbox_inches="tight")``), each as wall-clock and as CPU
time of this process (on a shared machine the wall clock also counts waiting for a core).
Target: median callback + render < 200 ms.

    .venv/bin/python benchmarks/attention_widget.py
"""
from __future__ import annotations

import io
import os
import platform
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from rnnlab.models.attention_decoders import BahdanauDecoder  # noqa: E402
from rnnlab.models.seq2seq import Seq2Seq  # noqa: E402
from rnnlab.plots.attention_plots import alignment_figure  # noqa: E402
from rnnlab.tasks.dates import make_dates, source_vocabulary, target_vocabulary  # noqa: E402

TARGET_MS = 200.0
EMBED, HIDDEN = 16, 64


def _texts(n: int = 30) -> list[str]:
    """n test dates spread over the source lengths, the longest included, then an unknown-character input."""
    pairs = sorted(make_dates(2000, seed=2), key=lambda p: len(p.source))
    picks = [pairs[int(k)].source for k in np.linspace(0, len(pairs) - 1, n)]
    return picks + ["14 July 1987!"]


def main() -> None:
    torch.set_num_threads(1)  # as the notebook runs
    src_vocab, tgt_vocab = source_vocabulary(), target_vocabulary()
    torch.manual_seed(0)
    model = Seq2Seq(len(src_vocab), len(tgt_vocab), EMBED, HIDDEN,
                    decoder=BahdanauDecoder(len(tgt_vocab), EMBED, HIDDEN)).eval()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f}, "
          f"Python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} thread), "
          f"matplotlib {matplotlib.__version__} (Agg)")
    texts = _texts()
    fig, _ = alignment_figure(model, src_vocab, tgt_vocab, texts[0])  # warm-up: fonts, first decode
    fig.canvas.draw()
    plt.close(fig)
    rows, drawn = [], 0  # per call: (compute, render, png) wall seconds, then the same in CPU seconds
    for text in texts:
        wall, cpu = [time.perf_counter()], [time.process_time()]
        fig, message = alignment_figure(model, src_vocab, tgt_vocab, text)
        wall.append(time.perf_counter())
        cpu.append(time.process_time())
        if fig is not None:
            drawn += 1
            fig.canvas.draw()
            wall.append(time.perf_counter())
            cpu.append(time.process_time())
            fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
            wall.append(time.perf_counter())
            cpu.append(time.process_time())
            plt.close(fig)
        else:  # a message instead of a figure: nothing to render
            wall += [wall[-1]] * 2
            cpu += [cpu[-1]] * 2
        # the inline backend draws once, into the PNG: callback + savefig
        rows.append([wall[1] - wall[0], wall[2] - wall[0], wall[1] - wall[0] + wall[3] - wall[2],
                     cpu[1] - cpu[0], cpu[2] - cpu[0], cpu[1] - cpu[0] + cpu[3] - cpu[2]])
    ms = 1e3 * np.array(rows)  # (calls, 6)
    verdict = "ok" if np.median(ms[:, 1]) < TARGET_MS else "OVER"
    print(f"attention widget, {len(texts)} inputs ({drawn} drawn, lengths {min(map(len, texts))}-"
          f"{max(map(len, texts))} characters, 14 decoder steps each):")
    print(f"  {'':<31} {'wall median':>11} {'max':>7}   {'CPU median':>10} {'max':>7}")
    for k, label in enumerate(("callback (decode + figure)", "callback + render", "callback + inline PNG")):
        print(f"  {label:<31} {np.median(ms[:, k]):8.1f} ms {ms[:, k].max():7.1f}   "
              f"{np.median(ms[:, 3 + k]):7.1f} ms {ms[:, 3 + k].max():7.1f}")
    print(f"target: median callback + render < {TARGET_MS:.0f} ms (wall): {verdict}; on a busy machine the CPU "
          f"times say what a quiet one would show")


if __name__ == "__main__":
    main()
