"""The benchmark scripts still run and print their figures (no timing is asserted here:
speed is measured by running the scripts, see BENCHMARKS.md)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lstm_speed_prints_every_contender_with_a_ratio():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/lstm_speed.py"), "--quick"],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    for name in ("torch.nn.LSTM", "rnnlab.nn.LSTM", "autograd scan", "plain loop"):
        assert re.search(rf"{re.escape(name)}\s+[\d.]+ ms\s+[\d.]+x torch", out), out


def test_sampling_widget_benchmark_prints_its_median():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/sampling_widget.py")],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert re.search(r"200 characters, \d+ settings: median \d+ ms, max \d+ ms", out), out


def test_attention_widget_benchmark_prints_its_median():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/attention_widget.py")],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert re.search(r"callback \+ render\s+[\d.]+ ms", out), out
