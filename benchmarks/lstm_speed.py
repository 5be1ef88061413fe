"""rnnlab.nn.LSTM vs torch.nn.LSTM: forward + backward time on the CPU.

    python benchmarks/lstm_speed.py [--quick] [--threads N]

Sizes B=32, T=100, D=64, H=128, float32. The contenders run interleaved (one repetition
of each in turn, after a warm-up), so that a noisy machine slows them alike; we print
the median of each, in ms, and the ratio to torch. Contenders:

    torch.nn.LSTM     torch's own (on CPU, float32: oneDNN's fused LSTM kernels)
    rnnlab.nn.LSTM    hoisted input projection + lstm_scan (hand-written backward)
    autograd scan     rnnlab.nn.LSTM(fused=False): hoisted, the step under autograd
    plain loop        LSTMCell called once per step (no hoisting), under autograd
"""
from __future__ import annotations

import argparse

import torch

from rnnlab.experiments.speed import time_interleaved
from rnnlab.nn import LSTM, LSTMCell

B, T, D, H = 32, 100, 64, 128


def plain_loop(cell: LSTMCell, x: torch.Tensor) -> torch.Tensor:
    """x (T, B, D) -> all h_t (T, B, H), calling the cell step by step."""
    h = c = x.new_zeros(x.shape[1], cell.hidden_size)
    outputs = []
    for x_t in x:
        h, c = cell(x_t, (h, c))
        outputs.append(h)
    return torch.stack(outputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a few seconds)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads(N) for all contenders")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    reps, warmup = (5, 1) if args.quick else (25, 3)
    torch.manual_seed(0)
    ref = torch.nn.LSTM(D, H)
    ours, unfused = LSTM.from_torch(ref), LSTM.from_torch(ref, fused=False)
    cell = LSTMCell(D, H)
    x = torch.randn(T, B, D, requires_grad=True)

    forwards = {
        "torch.nn.LSTM": lambda: ref(x)[0],
        "rnnlab.nn.LSTM": lambda: ours(x)[0],
        "autograd scan": lambda: unfused(x)[0],
        "plain loop": lambda: plain_loop(cell, x),
    }
    stats = time_interleaved({name: (lambda f=f: f().sum().backward()) for name, f in forwards.items()},
                             repeats=reps, warmup=warmup)

    print(f"LSTM forward+backward, B={B} T={T} D={D} H={H} float32, {torch.get_num_threads()} threads, "
          f"median of {reps} interleaved repetitions")
    base = stats["torch.nn.LSTM"].median
    for name, s in stats.items():
        print(f"  {name:16s} {s.median * 1e3:8.2f} ms   {s.median / base:5.2f}x torch")


if __name__ == "__main__":
    main()
