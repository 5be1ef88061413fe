"""Inference memory against generated length: streaming RNNs (constant state) vs a KV cache.

    python benchmarks/memory_vs_length.py [--quick] [--device cpu|cuda] [--steps N] [--threads N]

Three language models of about the same parameter count (rnnlab/models/streaming_lms.py) generate
greedily, one token at a time: an LSTM (state (h, c)), a minGRU LM (state h) and a pre-norm
causal transformer (rnnlab/models/transformers.py's TransformerLM: a KV cache of 2 * L * B * n * d_model
numbers after n tokens, and the B * n int64 ids of its window). After every
token we record the bytes the state holds and the step's peak (rnnlab.experiments.speed.MemoryMeter: on the
CPU every tensor the ops allocate, counted by a dispatch mode; on CUDA the allocator's
max_memory_allocated), and print them at a few lengths with the fitted slope in bytes per
token. The process's resident memory (RSS) since the first token is a coarse, process-level
cross-check: the allocator keeps freed memory, so it moves in steps, and only on the CPU.

  CPU   d_model=128, 2 layers, B=8, 2048 tokens (about a minute on 2 cores)
  CUDA  d_model=512, 6 layers, B=16, 8192 tokens
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnnlab.course.runtime import get_device  # noqa: E402
from rnnlab.experiments.speed import machine_summary  # noqa: E402
from rnnlab.models.sizes import count_parameters  # noqa: E402
from rnnlab.models.streaming_lms import LSTMLM, MinGRULM, memory_vs_length  # noqa: E402
from rnnlab.models.transformers import TransformerLM  # noqa: E402

V = 100


def build(d: int, layers: int, max_len: int) -> dict:
    """Three models of about 8 d^2 parameters per layer each (plus embeddings and head)."""
    torch.manual_seed(0)
    return {
        "LSTM": LSTMLM(V, d, num_layers=layers),
        "minGRU": MinGRULM(V, d, num_layers=layers, hidden_size=round(8 * d / 3)),
        "transformer (KV cache)": TransformerLM(V, d, nhead=max(1, d // 32), num_layers=layers, dim_feedforward=2 * d,
                                                max_len=max_len, positions="sinusoidal"),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny models, 64 tokens (a smoke test)")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="default: rnnlab.course.runtime.get_device()")
    parser.add_argument("--steps", type=int, help="tokens to generate")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads(N)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device) if args.device else get_device()
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA GPU here")
    if args.quick:
        d, layers, B, steps = 32, 1, 2, 64
    elif device.type == "cuda":
        d, layers, B, steps = 512, 6, 16, 8192
    else:
        d, layers, B, steps = 128, 2, 8, 2048
    steps = args.steps or steps
    print(f"machine: {machine_summary(device)}")
    print(f"greedy generation on {device.type}, float32: d_model={d}, {layers} layer(s), B={B}, {steps} tokens")
    marks = sorted({1, *(int(steps * f) for f in (0.125, 0.25, 0.5)), steps} - {0})
    for name, model in build(d, layers, steps).items():
        model.to(device)
        t0 = time.perf_counter()
        r = memory_vs_length(model, steps, batch_size=B, device=device, rss=True)
        wall = time.perf_counter() - t0
        n = np.asarray(r["length"], dtype=float)
        state_slope, peak_slope = (round(float(np.polyfit(n, r[k], 1)[0]), 1) + 0.0 for k in ("state_bytes", "peak_bytes"))
        rss = np.asarray(r["rss_bytes"], dtype=float) - r["rss_bytes"][0]  # growth since the first token
        print(f"\n{name}: {count_parameters(model):,} parameters, {wall:.1f} s")
        print(f"  {'tokens':>8} {'state (kB)':>12} {'step peak (kB)':>15} {'RSS growth (kB)':>16}")
        for m in marks:
            print(f"  {m:8d} {r['state_bytes'][m - 1] / 1e3:12.1f} {r['peak_bytes'][m - 1] / 1e3:15.1f} "
                  f"{rss[m - 1] / 1e3:16.0f}")
        print(f"  slope: state {state_slope:.1f} bytes/token, step peak {peak_slope:.1f} bytes/token")
        if name.startswith("transformer"):
            kv, ids = 2 * layers * B * d * 4, B * 8
            print(f"  expected growth: KV cache 2 * L * B * d_model * 4 bytes = {kv} bytes/token, "
                  f"+ the window's ids B * 8 bytes = {kv + ids} bytes/token")
        model.cpu()


if __name__ == "__main__":
    main()
