"""The speed ladder: one recurrent layer, forward + backward, each rung as a ratio to torch.nn.

    python benchmarks/speed_ladder.py [--quick] [--device cpu|cuda] [--threads N] [--repeats N]

Rungs (rnnlab/experiments/ladder.py): numpy loop, torch loop (LSTMCell per step), hoisted + fused
(rnnlab.nn.LSTM), torch.nn.LSTM, minGRU loop, minGRU scan (parallel, log space), torch.nn.GRU.
For every row all rungs run interleaved in one run (one repetition of each in turn after a
warm-up), so a busy machine slows them alike; we print each median and its ratio to
torch.nn.LSTM (and, for the minGRU rungs, torch.nn.GRU's time divided by theirs).

Rows:
  CPU   B=16, D=H=64 at T = 16, 64, 256, 1024; lstm_speed.py's row (B=32, T=100, D=64, H=128:
        the 2x target for rnnlab's fused LSTM); PyTorch fastrnns' shapes (B=64, T=100, D=H=512).
        A few minutes on 2 cores.
  CUDA  fastrnns' shapes; B=64, D=H=512 at T = 256, 1024, 4096 (the NumPy rung only where it
        finishes in seconds); the same with float16 autocast (AMP) for torch.nn.LSTM, torch.nn.GRU
        and the minGRU scan (the hand-written fused scan uses out= kernels, which autocast skips).
        Target: minGRU scan >= 10x faster than torch.nn.GRU (cuDNN) at T=4096, training.
  --quick  a smoke run with tiny sizes (seconds), for tests.

--threads sets torch's threads only. NumPy's BLAS (the numpy loop) reads its own setting when it is
loaded: on a shared machine run with OPENBLAS_NUM_THREADS=1 too, or its threads wait for each other.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnnlab.course.runtime import get_device  # noqa: E402
from rnnlab.experiments.ladder import RUNGS, ladder_contenders  # noqa: E402
from rnnlab.experiments.speed import machine_summary, time_interleaved  # noqa: E402

ALL = list(RUNGS)


def rows_for(device: torch.device, quick: bool):
    """(label, B, T, D, H, rungs, autocast dtype) for each row of the table."""
    if quick:
        return [("quick", 4, T, 16, 16, ALL, None) for T in (8, 32)]
    if device.type == "cpu":
        return ([("T sweep", 16, T, 64, 64, ALL, None) for T in (16, 64, 256, 1024)]
                + [("lstm_speed.py", 32, 100, 64, 128, ALL, None),
                   ("fastrnns", 64, 100, 512, 512, ALL, None)])
    no_numpy = [r for r in ALL if r != "numpy loop"]
    amp = ["torch.nn.LSTM", "minGRU scan", "torch.nn.GRU"]  # the hand-written scan's out= kernels skip autocast
    rows = [("fastrnns", 64, 100, 512, 512, ALL, None)]
    rows += [("T sweep", 64, T, 512, 512, ALL if T <= 256 else no_numpy, None) for T in (256, 1024, 4096)]
    rows += [("fastrnns AMP", 64, 100, 512, 512, amp, torch.float16)]
    rows += [("T sweep AMP", 64, T, 512, 512, amp, torch.float16) for T in (1024, 4096)]
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 2 repetitions (a smoke test)")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="default: rnnlab.course.runtime.get_device()")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads(N) for every rung")
    parser.add_argument("--repeats", type=int, help="timed repetitions per rung (default 5; 2 with --quick)")
    args = parser.parse_args(argv)
    device = torch.device(args.device) if args.device else get_device()
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA GPU here")
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats = args.repeats or (2 if args.quick else 5)
    print(f"machine: {machine_summary(device)}")
    print(f"speed ladder on {device.type}: forward + backward of one layer, float32, median of {repeats} "
          f"interleaved repetitions after 1 warm-up (calls under 20 ms repeated to fill 20 ms); "
          f"ratio = time / torch.nn.LSTM's time")
    started = time.perf_counter()
    targets = []
    for label, B, T, D, H, rungs, amp in rows_for(device, args.quick):
        contenders = ladder_contenders(rungs, B, T, D, H, device=device, autocast_dtype=amp)
        stats = time_interleaved(contenders, repeats=repeats, warmup=1, device=device, min_time=0.02)
        base = stats["torch.nn.LSTM"].median
        amp_text = f", autocast {str(amp).replace('torch.', '')}" if amp else ""
        print(f"\n[{label}] B={B} T={T} D={D} H={H}{amp_text}")
        for name, s in stats.items():
            extra = ""
            if name.startswith("minGRU") and "torch.nn.GRU" in stats:
                extra = f"   torch.nn.GRU / this = {stats['torch.nn.GRU'].median / s.median:6.2f}x"
            print(f"  {name:16s} {s.median * 1e3:10.2f} ms  {s.median / base:7.2f}x torch.nn.LSTM{extra}")
        if label == "lstm_speed.py":
            targets.append(f"rnnlab fused LSTM / torch.nn.LSTM at B={B} T={T} D={D} H={H}: "
                           f"{stats['hoisted + fused'].median / base:.2f}x (target: within 2x)")
        if device.type == "cuda" and T == 4096 and amp is None:
            speedup = stats["torch.nn.GRU"].median / stats["minGRU scan"].median
            targets.append(f"minGRU scan vs torch.nn.GRU (cuDNN) at B={B} T={T} H={H}, training: "
                           f"{speedup:.1f}x faster (target: at least 10x)")
    if targets:
        print("\ntargets:")
        for line in targets:
            print("  " + line)
    if device.type == "cpu" and not args.quick:
        print("\n(no GPU rows: run with --device cuda on a machine with a GPU for the minGRU vs cuDNN target)")
    print(f"\ntotal wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
