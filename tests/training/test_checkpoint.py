import numpy as np
import pytest
import torch

from rnnlab.training.checkpoint import (config_key, latest_checkpoint, load_checkpoint, run_folder, save_checkpoint,
                               train_resumable)
from rnnlab.data.char_batches import StatefulBatches
from rnnlab.models.char_lm import CharLSTM, tbptt_loss

IDS = np.random.default_rng(0).integers(0, 12, 3000)


def make(seed=0):
    torch.manual_seed(seed)
    model = CharLSTM(12, hidden_size=8, num_layers=2, dropout=0.3)  # dropout: uses the RNG every step
    return model, torch.optim.Adam(model.parameters(), 1e-2)


def test_config_key():
    assert config_key({"a": 1, "b": 2}) == config_key({"b": 2, "a": 1}) != config_key({"a": 1, "b": 3})
    assert run_folder("07-x", {"a": 1}, root="/r").as_posix() == f"/r/07-x-{config_key({'a': 1})}"


def test_round_trip_restores_model_optimizer_step_and_rng(tmp_path):
    model, opt = make()
    batches = StatefulBatches(IDS, 4, 10)
    tbptt_loss(model, batches(1)).backward()
    opt.step()
    save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    expected_rand = torch.rand(3)
    other, other_opt = make(seed=1)
    payload = load_checkpoint(latest_checkpoint(tmp_path), model=other, optimizer=other_opt)
    assert payload["step"] == 1
    assert torch.equal(torch.rand(3), expected_rand)
    for (n, a), (_, b) in zip(model.state_dict().items(), other.state_dict().items()):
        assert n == "_extra_state" or torch.equal(a, b)
    assert all(torch.equal(a, b) for a, b in zip(model.carry, other.carry))
    assert torch.equal(opt.state_dict()["state"][0]["exp_avg"], other_opt.state_dict()["state"][0]["exp_avg"])


def test_resume_is_bit_identical_to_uninterrupted(tmp_path):
    batches = StatefulBatches(IDS, 4, 10)  # 74 batches a pass: the run wraps around once
    model, opt = make()
    log, start = train_resumable(model, batches, tbptt_loss, optimizer=opt, steps=90, folder=tmp_path / "a",
                                 every=30, progress=False)
    assert start == 0 and len(log.steps) == 90 and latest_checkpoint(tmp_path / "a").name == "step-00000090.pt"

    model2, opt2 = make()
    train_resumable(model2, batches, tbptt_loss, optimizer=opt2, steps=60, folder=tmp_path / "b",
                    every=30, progress=False)  # "the kernel dies" after 60 steps
    model3, opt3 = make(seed=5)  # a fresh kernel: different initial weights and RNG
    torch.manual_seed(123)
    log3, start3 = train_resumable(model3, batches, tbptt_loss, optimizer=opt3, steps=90,
                                   folder=tmp_path / "b", every=30, progress=False)
    assert start3 == 60 and log3.steps[0] == 61 and log3.steps[-1] == 90
    assert log3.losses == log.losses[60:]
    for a, b in zip(model.parameters(), model3.parameters()):
        assert torch.equal(a, b)
    assert [p.name for p in sorted((tmp_path / "b").iterdir())] == ["step-00000060.pt", "step-00000090.pt"]

    # finished: running again trains nothing and leaves the model as saved
    model4, opt4 = make(seed=7)
    log4, start4 = train_resumable(model4, batches, tbptt_loss, optimizer=opt4, steps=90, folder=tmp_path / "b",
                                   every=30, progress=False)
    assert start4 == 90 and log4.steps == []
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), model4.parameters()))


def test_needs_callable_batches(tmp_path, raises_naming):
    model, opt = make()
    with raises_naming(TypeError, "batches", "callable step -> batch", "got list"):
        train_resumable(model, [1, 2], tbptt_loss, optimizer=opt, steps=2, folder=tmp_path, every=1)
    assert list(tmp_path.iterdir()) == []


def test_the_file_on_disk_loads_safely(tmp_path):
    """The char LM's carried state and Adam's state go through torch.load(weights_only=True)."""
    model, opt = make()
    tbptt_loss(model, StatefulBatches(IDS, 4, 10)(1)).backward()
    opt.step()
    path = save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    payload = torch.load(path, weights_only=True)
    assert payload["step"] == 1 and isinstance(payload["model"]["_extra_state"]["carry"], tuple)
