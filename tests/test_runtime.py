import random

import numpy as np
import pytest
import torch

from rnnlab import runtime


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
            "from rnnlab.runtime import one_blas_thread\n"
            "one_blas_thread()\n"
            "blas = [p for p in threadpool_info() if p['user_api'] == 'blas']\n"
            "print(len(blas), [p['num_threads'] for p in blas])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "4"})
    assert done.returncode == 0, done.stderr
    count, threads = done.stdout.split(" ", 1)
    assert int(count) >= 1 and threads.strip() == str([1] * int(count))
