import random

import numpy as np
import pytest
import torch

from rnnlab.course import runtime


def test_mode_defaults_to_quick_without_a_gpu(monkeypatch):
    monkeypatch.delenv("RNNLAB_MODE", raising=False)
    monkeypatch.setattr(runtime, "cuda_available", lambda: False)
    assert runtime.get_mode() == "quick"
    monkeypatch.setattr(runtime, "cuda_available", lambda: True)
    assert runtime.get_mode() == "full"


@pytest.mark.parametrize("value,mode", [("quick", "quick"), ("FULL", "full"), (" quick ", "quick")])
def test_mode_from_environment(monkeypatch, value, mode):
    monkeypatch.setenv("RNNLAB_MODE", value)
    assert runtime.get_mode() == mode
    assert runtime.by_mode(quick="q", full="f") == mode[0]


def test_bad_mode_names_the_choices(monkeypatch):
    monkeypatch.setenv("RNNLAB_MODE", "fast")
    with pytest.raises(ValueError, match=r"expected one of \('quick', 'full'\), got 'fast'"):
        runtime.get_mode()


def test_device_is_cpu_without_cuda_or_when_asked(monkeypatch):
    monkeypatch.setattr(runtime, "cuda_available", lambda: False)
    assert runtime.get_device() == torch.device("cpu")
    monkeypatch.setattr(runtime, "cuda_available", lambda: True)
    monkeypatch.setenv("RNNLAB_DEVICE", "cpu")
    assert runtime.get_device() == torch.device("cpu")
    monkeypatch.delenv("RNNLAB_DEVICE")
    assert runtime.get_device() == torch.device("cuda")


def test_bad_device_requests_are_explained(monkeypatch):
    monkeypatch.setattr(runtime, "cuda_available", lambda: False)
    monkeypatch.setenv("RNNLAB_DEVICE", "tpu")
    with pytest.raises(ValueError, match="expected 'cpu' or 'cuda', got 'tpu'"):
        runtime.get_device()
    monkeypatch.setenv("RNNLAB_DEVICE", "cuda")
    with pytest.raises(ValueError, match="torch sees no CUDA GPU"):
        runtime.get_device()


def test_seed_everything_makes_all_generators_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    runtime.seed_everything(3)
    first = draw()
    runtime.seed_everything(3)
    assert draw() == first
    runtime.seed_everything(4)
    assert draw() != first
    with pytest.raises(TypeError, match="expected an int, got float"):
        runtime.seed_everything(1.5)


def test_one_blas_thread_pins_numpys_blas_to_one_thread():
    """In a fresh process (the pin holds for the rest of the process it runs in)."""
    import subprocess
    import sys

    code = ("from threadpoolctl import threadpool_info\n"
            "import numpy\n"
            "from rnnlab.course.runtime import one_blas_thread\n"
            "one_blas_thread()\n"
            "blas = [p for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "print(len(blas), [p['num_threads'] for p in blas])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "4"})
    assert done.returncode == 0, done.stderr
    count, threads = done.stdout.split(" ", 1)
    assert int(count) >= 1 and threads.strip() == str([1] * int(count))


# ---- evaluating: the one way rnnlab switches a model to eval mode ----------------------------------
def test_evaluating_gives_the_model_back_its_mode_even_after_an_error():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    for before in (True, False):
        model.train(before)
        with runtime.evaluating(model) as m:
            assert m is model and not model.training and not model[1].training
        assert model.training is before and model[1].training is before
    model.train()
    with pytest.raises(RuntimeError, match="boom"):
        with runtime.evaluating(model):
            raise RuntimeError("boom")
    assert model.training
    with pytest.raises(TypeError, match="evaluating: expected a torch.nn.Module, got str"):
        with runtime.evaluating("model"):
            pass


def test_no_module_switches_to_eval_mode_but_through_evaluating():
    """Every `.eval()` call in rnnlab would be a place that can leave a model in eval mode."""
    import ast
    from pathlib import Path

    package = Path(runtime.__file__).parents[1]          # rnnlab/
    calls = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "eval" \
                    and not node.args and not node.keywords:
                calls.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    assert calls == ["rnnlab/course/runtime.py:" + str(_line_of("model.eval()"))], calls


def _line_of(text: str) -> int:
    from pathlib import Path

    lines = Path(runtime.__file__).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == text)


def _decoders():
    """(name, model, call) for the functions that used to leave their model in eval mode."""
    from rnnlab.data.vocab import Vocab
    from rnnlab.decoding.beam import beam_decode
    from rnnlab.models.char_lm import CharLSTM
    from rnnlab.models.forecaster import LSTMForecaster, predict
    from rnnlab.models.name_classifier import NameClassifier, predict_proba
    from rnnlab.decoding.greedy import greedy_decode
    from rnnlab.models.seq2seq import Seq2Seq, sequence_logprob
    from rnnlab.decoding.sampling import next_logits

    torch.manual_seed(0)
    vocab = Vocab.from_text("hello world")
    names = NameClassifier(len(vocab) + 1, 3)
    name_vocab = Vocab.from_text("hello world", pad=True)
    lm = CharLSTM(len(vocab), hidden_size=8)
    s2s = Seq2Seq(10, 7, embed=8, hidden=16)
    src, lengths = torch.randint(3, 10, (2, 5)), torch.tensor([5, 3])
    tgt = torch.tensor([[1, 3, 4, 2], [1, 5, 2, 0]])
    forecaster = LSTMForecaster(horizon=2, hidden=8, mean=0.0, std=1.0)
    return [
        ("classify.predict_proba", names, lambda: predict_proba(names, name_vocab, ["hello", "world"])),
        ("decoding.sampling.next_logits", lm, lambda: next_logits(lm, vocab, "hel")),
        ("seq2seq.greedy_decode", s2s, lambda: greedy_decode(s2s, src, lengths, max_len=4)),
        ("seq2seq.sequence_logprob", s2s, lambda: sequence_logprob(s2s, src, lengths, tgt)),
        ("beam.beam_decode", s2s, lambda: beam_decode(s2s, src, lengths, beam_width=2, max_len=4)),
        ("forecast.predict", forecaster, lambda: predict(forecaster, torch.randn(3, 6).numpy())),
    ]


@pytest.mark.parametrize("index", range(6))
def test_decoding_and_evaluation_give_the_model_back_its_mode(index):
    name, model, call = _decoders()[index]
    for before in (True, False):
        model.train(before)
        call()
        assert model.training is before, f"{name} left the model in {'train' if model.training else 'eval'} mode"


def test_to_device_moves_every_tensor_in_nested_batches():
    from collections import namedtuple

    from rnnlab.course.runtime import to_device

    Pair = namedtuple("Pair", "x y")
    batch = (torch.zeros(2), [torch.ones(1), {"k": torch.arange(3)}], Pair(torch.zeros(1), 5), "text", None)
    moved = to_device(batch, torch.float64)          # .to() takes a dtype too: every tensor shows it
    assert moved[0].dtype == torch.float64 and moved[1][0].dtype == torch.float64
    assert moved[1][1]["k"].dtype == torch.float64 and isinstance(moved[2], Pair) and moved[2].x.dtype == torch.float64
    assert moved[2].y == 5 and moved[3] == "text" and moved[4] is None and isinstance(moved[1], list)


def test_device_of_names_the_parameters_device(raises_naming):
    from rnnlab.course.runtime import device_of

    assert device_of(torch.nn.Linear(2, 2)) == torch.device("cpu")
    assert device_of(torch.nn.ReLU()) == torch.device("cpu")
    with raises_naming(TypeError, "torch.nn.Module", "Tensor"):
        device_of(torch.zeros(1))


def _seen_devices(model, x, *, y=None):
    return {"x": x.device, "y": None if y is None else y.device, "out": (x * 2, [y])}


def test_on_model_device_keeps_results_where_the_inputs_were():
    from rnnlab.course.runtime import on_model_device

    fn = on_model_device(_seen_devices)
    got = fn(torch.nn.Linear(1, 1), torch.ones(2), y=torch.zeros(1))
    assert got["x"] == got["y"] == torch.device("cpu")
    assert torch.equal(got["out"][0], torch.full((2,), 2.0)) and isinstance(got["out"][1], list)
    assert fn.__name__ == "_seen_devices"                        # functools.wraps: the docs stay the function's


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_on_model_device_runs_on_the_gpu_and_answers_on_the_cpu():
    from rnnlab.course.runtime import on_model_device

    got = on_model_device(_seen_devices)(torch.nn.Linear(1, 1).cuda(), torch.ones(2), y=torch.zeros(1))
    assert got["x"].type == got["y"].type == "cuda" and got["out"][0].device.type == "cpu"
