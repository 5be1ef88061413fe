"""rnnlab.experiments.speed, rnnlab.models.streaming_lms, rnnlab.experiments.ladder: structure only (no timing is asserted here)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from rnnlab.experiments.ladder import LADDER, RUNGS, make_rung
from rnnlab.experiments.speed import (MemoryMeter, TimingStats, count_ops, loglog_slope, machine_summary, ratios, rss_bytes,
                          tensor_bytes, time_interleaved, tokens_per_second, torch_threads)
from rnnlab.models.sizes import count_parameters
from rnnlab.models.streaming_lms import (LSTMLM, MinGRULM, kv_cache_bytes, lstm_state_bytes,
                                        make_train_step, memory_vs_length)
from rnnlab.models.transformers import TransformerLM

ROOT = Path(__file__).resolve().parents[2]
V = 11


# -- timing -------------------------------------------------------------------------------------
def test_time_interleaved_runs_each_contender_warmup_plus_repeats_times_in_turn():
    calls = []
    stats = time_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=2)
    assert calls == ["a", "b"] * 5
    assert set(stats) == {"a", "b"}
    for name, s in stats.items():
        assert isinstance(s, TimingStats) and s.name == name and len(s.times) == 3
        assert s.min <= s.median <= s.max and all(t >= 0 for t in s.times)
    assert "median" in repr(stats["a"])


def test_time_interleaved_min_time_repeats_fast_calls_within_a_repetition(raises_naming):
    calls = []
    stats = time_interleaved({"fast": lambda: calls.append(1)}, repeats=2, warmup=1, min_time=0.001)
    assert len(calls) > 3  # the warm-up call, then several per repetition
    assert len(stats["fast"].times) == 2
    with raises_naming(ValueError, "min_time", "warmup >= 1"):
        time_interleaved({"fast": lambda: None}, warmup=0, min_time=0.01)


def test_ratios_and_tokens_per_second_and_slope(raises_naming):
    stats = {"base": TimingStats("base", [1.0, 2.0, 3.0]), "x": TimingStats("x", [4.0, 6.0, 100.0])}
    assert ratios(stats, "base") == {"base": 1.0, "x": 3.0}
    with raises_naming(KeyError, "'nope'", "['base', 'x']"):
        ratios(stats, "nope")
    assert tokens_per_second(1000, 0.5) == 2000
    with pytest.raises(ValueError, match="positive time"):
        tokens_per_second(10, 0)
    assert loglog_slope([1, 2, 4, 8], [3, 6, 12, 24]) == pytest.approx(1.0)
    assert loglog_slope([1, 2, 4, 8], [5, 5, 5, 5]) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="same length >= 2"):
        loglog_slope([1], [2])


@pytest.mark.parametrize("bad, error, message", [
    ({}, ValueError, "non-empty dict"),
    ({"a": 3}, TypeError, r"(?=.*'a')(?=.*\bint\b)(?=.*callable)"),
])
def test_time_interleaved_rejects_bad_contenders(bad, error, message):
    with pytest.raises(error, match=message):
        time_interleaved(bad)


def test_time_interleaved_rejects_bad_repeats():
    with pytest.raises(ValueError, match="repeats to be an int >= 1"):
        time_interleaved({"a": lambda: None}, repeats=0)


def test_torch_threads_restores_the_setting():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="int >= 1 or None"):
        with torch_threads(0):
            pass


def test_machine_summary_names_torch_and_the_device():
    text = machine_summary("cpu")
    assert "torch " + torch.__version__ in text and "device cpu" in text
    assert rss_bytes() >= 0


# -- memory -------------------------------------------------------------------------------------
def test_tensor_bytes_counts_each_storage_once():
    a = torch.zeros(10, 10)  # 400 bytes
    assert tensor_bytes(a) == 400
    assert tensor_bytes(a, a[:5], a.t(), {"x": [a.view(-1)]}) == 400  # views share the storage
    assert tensor_bytes((a, torch.zeros(3, dtype=torch.float64))) == 424
    assert tensor_bytes(None, 3, "text") == 0


def test_memory_meter_counts_new_tensors_and_frees_but_not_views_or_old_tensors():
    old = torch.zeros(1000)
    with MemoryMeter("cpu") as meter:
        view = old[:10].t()  # a view of a tensor from before: nothing new
        assert meter.current() == 0
        a = torch.ones(1000)  # 4000 bytes
        b = a * 2  # 4000 more
        b.add_(1)  # in place: nothing new
        assert meter.current() == 8000 and meter.peak() == 8000
        del b
        assert meter.current() == 4000 and meter.peak() == 8000
        meter.reset_peak()
        assert meter.peak() == 4000
        c = torch.cat([a, a])  # 8000
        assert meter.peak() == 12000
        del a, c
    assert meter.current() == 0 and meter.peak() == 12000
    del view


def test_memory_meter_rejects_other_devices():
    with pytest.raises(ValueError, match="cpu or cuda"):
        MemoryMeter("meta")


# -- the streaming models -----------------------------------------------------------------------
def _models(d=16, layers=2):
    torch.manual_seed(0)
    return {"lstm": LSTMLM(V, d, num_layers=layers), "mingru": MinGRULM(V, d, num_layers=layers, hidden_size=24),
            "transformer": TransformerLM(V, d, nhead=2, num_layers=layers, dim_feedforward=2 * d, max_len=64,
                                         positions="sinusoidal")}


@pytest.mark.parametrize("name", ["lstm", "mingru", "transformer"])
def test_step_by_step_generation_matches_the_full_forward(name):
    model = _models()[name].double().eval()
    x = torch.randint(0, V, (3, 12))
    with torch.no_grad():
        full, _ = model(x)
        state = model.initial_state(3)
        for t in range(12):
            logits, state = model.step(x[:, t], state)
            torch.testing.assert_close(logits, full[:, t], rtol=1e-10, atol=1e-10)


def test_similar_parameter_counts():
    counts = {name: count_parameters(m) for name, m in _models(d=64, layers=1).items()}
    counts["mingru"] = count_parameters(MinGRULM(V, 64, hidden_size=round(8 * 64 / 3)))
    assert max(counts.values()) / min(counts.values()) < 1.05, counts


def test_kv_cache_grows_linearly_and_rnn_states_stay_constant():
    B, d, layers, steps = 2, 16, 2, 40
    results = {name: memory_vs_length(m, steps, batch_size=B) for name, m in _models(d, layers).items()}
    for r in results.values():
        assert r["length"] == list(range(1, steps + 1))
        assert all(p >= s for p, s in zip(r["peak_bytes"], r["state_bytes"]))
    state = np.asarray(results["transformer"]["state_bytes"])
    n = np.arange(1, steps + 1)
    kv, ids = 2 * layers * B * n * d * 4, B * n * 8  # K and V, every layer, every token; the window's int64 ids
    np.testing.assert_array_equal(state, kv + ids)
    peak_slope = np.polyfit(n, results["transformer"]["peak_bytes"], 1)[0]
    assert 1.0 <= peak_slope / (2 * layers * B * d * 4 + B * 8) <= 2.5
    for name in ("lstm", "mingru"):
        r = results[name]
        assert len(set(r["state_bytes"])) == 1, f"{name}'s state should not grow"
        assert max(r["peak_bytes"][5:]) == min(r["peak_bytes"][5:]), f"{name}'s step peak should not grow"
    assert list(kv) == [kv_cache_bytes(layers, d, k, B, bytes_per_number=4) for k in n]
    assert results["transformer"]["peak_bytes"][0] < results["transformer"]["peak_bytes"][-1]
    assert results["lstm"]["state_bytes"][0] == 2 * layers * B * d * 4 == lstm_state_bytes(layers, d, B, 4)  # (h, c)
    assert results["mingru"]["state_bytes"][0] == layers * B * 24 * 4  # h


def test_cache_size_formulas():
    assert kv_cache_bytes(32, 4096, 4096, batch=1, bytes_per_number=2) == 2 * 2**30  # a 7B model, 4096 tokens: 2 GiB
    assert lstm_state_bytes(32, 4096, batch=1, bytes_per_number=2) == 2**19  # 0.5 MiB at any length


def test_memory_vs_length_and_models_check_their_inputs(raises_naming):
    models = _models()
    with pytest.raises(ValueError, match="steps to be an int >= 1"):
        memory_vs_length(models["lstm"], 0)
    with raises_naming(ValueError, "x_t", "1-D", "(B,)", "(2, 1)"):
        models["transformer"].step(torch.zeros(2, 1, dtype=torch.int64), models["transformer"].initial_state(2))
    with raises_naming(TypeError, "x:", "torch.int64", "(B, T)", "got torch.float32"):
        models["mingru"](torch.zeros(2, 3))
    with pytest.raises(ValueError, match="larger max_len"):
        models["transformer"](torch.zeros(1, 65, dtype=torch.int64))


def test_make_train_step_backpropagates_and_clears_gradients():
    model = _models()["mingru"]
    seen = []
    model.head.weight.register_hook(lambda grad: seen.append(grad.abs().sum().item()))
    make_train_step(model, batch_size=2, seq_len=5)()
    assert seen and seen[0] > 0
    assert all(p.grad is None for p in model.parameters())


def test_mingru_lm_carries_its_state_like_char_lstm():
    from rnnlab.models.char_lm import evaluate_nll

    model = _models()["mingru"]
    x, y = torch.randint(0, V, (2, 6)), torch.randint(0, V, (2, 6))
    model.tbptt_loss(x, y, reset=True).backward()
    assert model.carry.shape == (2, 2, 24) and not model.carry.requires_grad
    assert "carry" in model.state_dict()["_extra_state"]
    assert np.isfinite(evaluate_nll(model, torch.randint(0, V, (50,)).numpy(), batch_size=2, seq_len=8))


# -- the ladder ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(RUNGS))
def test_every_rung_runs_forward_and_backward(name):
    fn = make_rung(name, B=2, T=5, D=3, H=4)
    fn()
    fn()  # twice: gradients were cleared, nothing accumulates or breaks


def test_count_ops_grows_with_t_for_loops_and_not_for_the_scan():
    counts = {name: [count_ops(make_rung(name, 2, T, 3, 4)) for T in (8, 16, 32)]
              for name in ("torch loop", "minGRU loop", "minGRU scan", "torch.nn.LSTM")}
    for name in ("torch loop", "minGRU loop"):
        c = counts[name]
        assert c[2] - c[1] == 2 * (c[1] - c[0]) > 0, (name, c)  # exactly linear in T
    for name in ("minGRU scan", "torch.nn.LSTM"):
        assert len(set(counts[name])) == 1, (name, counts[name])  # independent of T
    assert count_ops(make_rung("numpy loop", 2, 8, 3, 4)) == 0  # NumPy is not dispatched by torch
    with pytest.raises(TypeError, match="expected a callable"):
        count_ops(3)


def test_ladder_rungs_compute_the_same_lstm_gradients():
    """numpy loop, torch loop, hoisted + fused and torch.nn.LSTM: one function, one set of weights."""
    from rnnlab.byhand.lstm import lstm_backward, lstm_forward
    from rnnlab.nn import LSTM

    torch.manual_seed(0)
    ref = torch.nn.LSTM(3, 4, batch_first=True).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64, requires_grad=True)
    ref(x)[0].sum().backward()
    ours = LSTM.from_torch(ref)
    x2 = x.detach().clone().requires_grad_()
    ours(x2)[0].sum().backward()
    torch.testing.assert_close(x2.grad, x.grad)
    W = [p.detach().numpy() for p in (ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0 + ref.bias_hh_l0)]
    zeros = np.zeros((2, 4))
    _, _, cache = lstm_forward(x.detach().numpy(), zeros, zeros, *W)
    dx = lstm_backward(np.ones((2, 5, 4)), cache)[0]
    np.testing.assert_allclose(dx, x.grad.numpy(), rtol=1e-10)
    assert set(LADDER) <= set(RUNGS)


def test_make_rung_rejects_bad_names_and_sizes():
    with pytest.raises(ValueError, match="expected one of"):
        make_rung("warp drive", 1, 1, 1, 1)
    with pytest.raises(ValueError, match="T to be an int >= 1"):
        make_rung("torch loop", 1, 0, 1, 1)


# -- the benchmark scripts still run ------------------------------------------------------------
def test_speed_ladder_quick_prints_every_rung_with_a_ratio():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/speed_ladder.py"), "--quick", "--threads", "1"],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert out.startswith("machine: ")
    for name in RUNGS:
        assert len([line for line in out.splitlines()
                    if line.strip().startswith(name + " ") and "x torch.nn.LSTM" in line]) == 2, (name, out)


def test_memory_vs_length_quick_prints_the_slopes():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/memory_vs_length.py"), "--quick", "--threads", "1"],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert "slope: state 0.0 bytes/token" in out
    assert "slope: state 528.0 bytes/token" in out  # KV cache 2 L B d * 4 = 512, ids B * 8 = 16
    assert "= 512 bytes/token" in out and "= 528 bytes/token" in out
