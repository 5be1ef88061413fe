"""Safe checkpoints: a safe load, exact random states, a planted pickle refused, a corrupt newest file
skipped, atomic saves, and a clear error for every wrong file or argument.

Generic torch.nn models only (Linear, LSTM), so renaming rnnlab.nn's parameters changes nothing here.
"""
import hashlib
import json
import os
import pickle
import random
import re
import warnings

import numpy as np
import pytest
import torch

from rnnlab.training import checkpoint as ck
from rnnlab.training.checkpoint import (CheckpointMismatchError, CorruptCheckpointError, CorruptCheckpointWarning,
                                        UnsafeCheckpointError, config_key, latest_checkpoint, load_checkpoint,
                                        load_latest, rng_state, run_folder, save_checkpoint, set_rng_state,
                                        train_resumable)


def make(seed=0, out=3, optimizer=torch.optim.Adam):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Dropout(0.3), torch.nn.Linear(8, out))
    return model, optimizer(model.parameters(), lr=1e-2)


def batches(step):  # a function of the step, so a resumed run sees the same batches
    g = torch.Generator().manual_seed(step)
    return torch.randn(4, 2, generator=g)


def loss_fn(model, x):  # dropout and the noise draw from the global RNGs: resuming must restore them
    noise = float(torch.randn(())) + float(np.random.rand()) + random.random()   # a number: fine on any device
    return (model(x) - noise).pow(2).mean()


def run(folder, steps, seed=0, **kwargs):
    model, opt = make(seed)
    log, start = train_resumable(model, batches, loss_fn, optimizer=opt, steps=steps, folder=folder,
                                 every=kwargs.pop("every", 2), progress=False, **kwargs)
    return model, log, start


def draws():
    return (random.random(), random.gauss(0, 1), np.random.rand(3).tolist(), np.random.randn(3).tolist(),
            torch.rand(3).tolist(), torch.randn(3).tolist())


# ---- random states ------------------------------------------------------------------------------
def test_random_states_are_restored_exactly_after_a_safe_load(tmp_path):
    model, opt = make()
    random.gauss(0, 1)        # leave Python's cached Gaussian set
    np.random.randn(1)        # and NumPy's (it draws two at a time)
    path = save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    expected = draws()
    assert draws() != expected                       # the generators moved on: the check below can fail
    payload = torch.load(path, weights_only=True)    # everything in the file is safe to load
    assert set(payload) >= {"model", "optimizer", "step", "rng", "extra"}
    load_checkpoint(path, model=model, optimizer=opt)
    assert draws() == expected


def test_rng_state_is_plain_and_set_rng_state_round_trips():
    state = rng_state()
    assert isinstance(state["torch"], torch.Tensor) and isinstance(state["python"]["state"], torch.Tensor)
    assert isinstance(state["numpy"]["keys"], torch.Tensor)
    expected = draws()
    set_rng_state(state)
    assert draws() == expected


@pytest.mark.parametrize("state, error, parts", [
    ({"python": 1}, ValueError, ["rng_state()", "python"]),
    ({**rng_state(), "numpy": {"keys": torch.zeros(3)}}, ValueError, ["rng_state()", "kind"]),
    ({**rng_state(), "torch": torch.zeros(3, dtype=torch.uint8)}, ValueError, ["torch", "3"]),
    ("not a state", TypeError, ["rng_state()", "str"]),
])
def test_set_rng_state_refuses_what_rng_state_does_not_return_and_changes_nothing(state, error, parts,
                                                                                  raises_naming):
    random.seed(5)
    with raises_naming(error, *parts):
        set_rng_state(state)
    assert random.random() == random.Random(5).random()   # Python's generator was not half-restored


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_model_round_trip_restores_cuda_rng_and_cpu_rng(tmp_path):
    model, opt = make()
    model.cuda()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn(model, batches(1).cuda()).backward()
    opt.step()
    path = save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    expected = (torch.rand(3, device="cuda").tolist(), torch.rand(3).tolist())
    other, other_opt = make(seed=3)
    other.cuda()
    other_opt = torch.optim.Adam(other.parameters(), lr=1e-2)
    load_checkpoint(path, model=other, optimizer=other_opt)   # tensors mapped to the GPU, RNG states to the CPU
    assert (torch.rand(3, device="cuda").tolist(), torch.rand(3).tolist()) == expected
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), other.parameters()))
    assert other_opt.state_dict()["state"][0]["exp_avg"].device.type == "cuda"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_resume_with_train_device_cuda(tmp_path):
    full, _, _ = run(tmp_path / "a", 6, device="cuda")
    run(tmp_path / "b", 4, device="cuda")
    resumed, log, start = run(tmp_path / "b", 6, seed=9, device="cuda")
    assert start == 4 and log.steps == [5, 6]
    assert all(torch.equal(a, b) for a, b in zip(full.parameters(), resumed.parameters()))


# ---- a planted file must not run code -----------------------------------------------------------
class Plant:
    """Unpickling it creates a marker file: the proof that loading would have run code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def plant(path, marker, how):
    payload = {"model": Plant(marker), "optimizer": {}, "step": 99, "rng": {}, "extra": {}}
    if how.startswith("pickle"):
        path.write_bytes(pickle.dumps(payload, protocol=int(how[-1])))
    elif how == "torch zip":
        torch.save(payload, path)
    else:  # torch's old, non-zip format
        torch.save(payload, path, _use_new_zipfile_serialization=False)


@pytest.mark.parametrize("how", ["pickle protocol 0", "pickle protocol 2", "pickle protocol 4", "pickle protocol 5",
                                 "torch zip", "torch legacy"])
def test_a_planted_pickle_is_refused_on_resume_and_never_runs(tmp_path, how, raises_naming):
    live = tmp_path / "live-marker"
    plant(tmp_path / "live.pt", live, how)
    if how.startswith("pickle"):
        pickle.loads((tmp_path / "live.pt").read_bytes())
    else:
        torch.load(tmp_path / "live.pt", weights_only=False)
    assert live.exists(), "the planted file should run code when loaded unsafely, or this test proves nothing"

    folder, marker = tmp_path / "run", tmp_path / "marker"
    good, _, _ = run(folder, 4)
    plant(folder / "step-00000099.pt", marker, how)
    model, opt = make(seed=1)
    before = [p.clone() for p in model.parameters()]
    with raises_naming(UnsafeCheckpointError, "step-00000099.pt", "refusing", "delete it", "weights_only=False"):
        train_resumable(model, batches, loss_fn, optimizer=opt, steps=8, folder=folder, every=2, progress=False)
    assert not marker.exists()
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))   # nothing was loaded
    with pytest.raises(pickle.UnpicklingError):                                # it is also an UnpicklingError
        load_checkpoint(folder / "step-00000099.pt", model=model)
    assert not marker.exists()


def test_an_older_planted_file_is_never_opened(tmp_path):
    folder, marker = tmp_path / "run", tmp_path / "marker"
    run(folder, 4)
    plant(folder / "step-00000001.pt", marker, "torch zip")
    _, _, start = run(folder, 6, keep=5)
    assert start == 4 and not marker.exists()


# ---- a corrupt newest file: fall back, with a warning naming it ---------------------------------
CORRUPTIONS = {
    "truncated to half": lambda data: data[: len(data) // 2],
    "truncated by 10 bytes": lambda data: data[:-10],
    "empty": lambda data: b"",
    "random bytes": lambda data: np.random.default_rng(0).integers(0, 256, 300, dtype=np.uint8).tobytes(),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_newest_checkpoint_is_skipped_with_a_warning_and_the_resume_is_exact(tmp_path, corruption):
    full, full_log, _ = run(tmp_path / "full", 8)
    folder = tmp_path / "run"
    run(folder, 6)                                  # checkpoints at 4 and 6 (keep=2)
    bad = folder / "step-00000006.pt"
    bad.write_bytes(CORRUPTIONS[corruption](bad.read_bytes()))
    with pytest.warns(CorruptCheckpointWarning, match=r"step-00000006\.pt.*(truncated or corrupt)"):
        resumed, log, start = run(folder, 8, seed=7)
    assert start == 4 and log.steps == [5, 6, 7, 8]
    assert log.losses == full_log.losses[4:]
    assert all(torch.equal(a, b) for a, b in zip(full.parameters(), resumed.parameters()))
    bad.write_bytes(CORRUPTIONS[corruption](bad.read_bytes()))              # loading it directly is an error
    with pytest.raises(CorruptCheckpointError, match="step-00000006.pt"):
        load_checkpoint(bad, model=resumed)


def test_with_every_checkpoint_corrupt_the_run_starts_afresh_with_a_warning_for_each(tmp_path):
    folder = tmp_path / "run"
    run(folder, 4)
    for path in ck._checkpoints(folder):
        path.write_bytes(b"")
    with pytest.warns(CorruptCheckpointWarning) as caught:
        _, log, start = run(folder, 4)
    assert start == 0 and log.steps == [1, 2, 3, 4]
    named = [re.findall(r"step-\d+\.pt", str(w.message)) for w in caught]
    assert named == [["step-00000004.pt"], ["step-00000002.pt"]]      # newest first, each named once
    assert "starting afresh" not in str(caught[0].message) and "step 0" in str(caught[1].message)


def test_load_latest_returns_none_for_a_folder_without_checkpoints(tmp_path):
    model, opt = make()
    assert load_latest(tmp_path / "nothing-here", model=model, optimizer=opt) is None


# ---- atomic, durable saves; tidy folders --------------------------------------------------------
def test_leftover_tmp_files_are_removed_on_resume(tmp_path):
    folder = tmp_path / "run"
    run(folder, 4)
    (folder / "step-00000005.pt.tmp").write_bytes(b"half a save")
    (folder / "notes.tmp").write_text("not ours")
    run(folder, 6)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.tmp", "step-00000004.pt", "step-00000006.pt"]


def test_a_save_that_fails_leaves_the_old_checkpoint_and_no_tmp(tmp_path, monkeypatch):
    model, opt = make()
    path = save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    old = path.read_bytes()

    def dies(payload, file):
        file.write(b"half")
        raise KeyboardInterrupt("the kernel was stopped mid-save")

    monkeypatch.setattr(ck.torch, "save", dies)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model=model, optimizer=opt, step=2)
    assert path.read_bytes() == old and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names an open file through Linux's /proc")
def test_the_file_and_its_folder_are_fsynced_around_the_rename(tmp_path, monkeypatch):
    events, real_fsync, real_replace = [], os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(ck.os, "fsync", fsync)
    monkeypatch.setattr(ck.os, "replace", replace)
    model, opt = make()
    path = save_checkpoint(tmp_path / "step-00000003.pt", model=model, optimizer=opt, step=3)
    real = os.path.realpath
    assert events == [("fsync", real(f"{path}.tmp")), ("replace", path.name), ("fsync", real(tmp_path))]
    assert torch.load(path, weights_only=True)["step"] == 3


@pytest.mark.parametrize("keep", [1, 2, 3])
def test_the_folder_holds_the_keep_newest_checkpoints(tmp_path, keep):
    run(tmp_path, 10, keep=keep)
    assert [p.name for p in ck._checkpoints(tmp_path)] == [f"step-{s:08d}.pt" for s in (2, 4, 6, 8, 10)][-keep:]


def test_steps_past_eight_digits_still_sort_by_step(tmp_path):
    model, opt = make()
    for step in (99_999_999, 100_000_000):
        save_checkpoint(tmp_path / f"step-{step:08d}.pt", model=model, optimizer=opt, step=step)
    assert latest_checkpoint(tmp_path).name == "step-100000000.pt"


# ---- a file of another model, optimizer or format -----------------------------------------------
def saved(tmp_path, **kwargs):
    model, opt = make()
    return save_checkpoint(tmp_path / "step-00000005.pt", model=model, optimizer=opt, step=5, **kwargs)


def rewrite(path, change):
    payload = torch.load(path, weights_only=True)
    change(payload)
    torch.save(payload, path)


def other_model():
    torch.manual_seed(0)
    model = torch.nn.LSTM(2, 3)
    return model, torch.optim.Adam(model.parameters())


def other_grouping():  # the same parameters in two groups instead of one
    model = make()[0]
    return model, torch.optim.Adam([{"params": model[0].parameters()}, {"params": model[2].parameters()}])


MISMATCHES = {
    "another model": (lambda p: None, other_model, ["Sequential", "LSTM", "4 missing", "weight_ih_l0",
                                                   "4 unexpected", "0.weight"]),
    "other sizes": (lambda p: None, lambda: make(out=5), ["2 shape mismatch",
                                                          "2.weight: checkpoint (3, 8), model (5, 8)"]),
    "another dtype": (lambda p: None, lambda: (make()[0].double(), None), ["float32", "float64", "model.double()"]),
    "another optimizer": (lambda p: None, lambda: make(optimizer=torch.optim.SGD), ["Adam", "got SGD"]),
    "another param grouping": (lambda p: None, other_grouping, ["sizes [2, 2]", "sizes [4]"]),
    "a bare state_dict": (lambda p: torch.save(make()[0].state_dict(), p), make,
                          ["bare state_dict", "0.weight", "model.load_state_dict"]),
    "an optimizer state_dict": (lambda p: torch.save(make()[1].state_dict(), p), make,
                                ["optimizer's bare state_dict", "lacks"]),
    "a tensor": (lambda p: torch.save(torch.zeros(3), p), make, ["holds a Tensor", "keys model, optimizer"]),
    "a float step": (lambda p: rewrite(p, lambda d: d.update(step=5.0)), make, ["step", "5.0", "float"]),
    "a str step": (lambda p: rewrite(p, lambda d: d.update(step="5")), make, ["step", "'5'", "str"]),
    "a negative step": (lambda p: rewrite(p, lambda d: d.update(step=-1)), make, ["step", "-1"]),
    "no rng": (lambda p: rewrite(p, lambda d: d.pop("rng")), make, ["lacks ['rng']"]),
    "a broken rng": (lambda p: rewrite(p, lambda d: d.update(rng={"python": 1})), make, ["rng", "rng_state()"]),
}


@pytest.mark.parametrize("case", MISMATCHES)
def test_a_file_of_another_model_optimizer_or_format_is_a_clear_error_and_loads_nothing(tmp_path, case,
                                                                                      raises_naming):
    change, build, parts = MISMATCHES[case]
    path = saved(tmp_path)
    change(path)
    model, opt = build()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    state = rng_state()
    with raises_naming(CheckpointMismatchError, "step-00000005.pt", *parts):
        load_checkpoint(path, model=model, optimizer=opt)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert torch.equal(rng_state()["torch"], state["torch"])


def test_a_mismatch_stops_train_resumable_instead_of_starting_afresh(tmp_path, raises_naming):
    run(tmp_path, 4)
    model, opt = other_model()
    with raises_naming(CheckpointMismatchError, "step-00000004.pt", "missing", "unexpected"):
        train_resumable(model, batches, lambda m, x: m(x[None])[0].sum(), optimizer=opt, steps=6, folder=tmp_path,
                        every=2, progress=False)
    assert [p.name for p in ck._checkpoints(tmp_path)] == ["step-00000002.pt", "step-00000004.pt"]


# ---- the config that names the folder -----------------------------------------------------------
def test_plain_configs_keep_their_keys_and_numpy_scalars_count_as_numbers():
    config = {"hidden": 512, "lr": 2e-3, "device": "cuda", "sizes": [1, 2], "nested": {"a": None, "b": True}}
    before = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()[:12]
    assert config_key(config) == before                      # run folders made before this change still resume
    assert config_key({"hidden": np.int64(512), "lr": np.float32(0.5)}) == config_key({"hidden": 512, "lr": 0.5})


@pytest.mark.parametrize("config, error, parts", [
    ({"device": torch.device("cpu")}, TypeError, ["config['device']", "device", "device.type"]),
    ({"w": torch.zeros(2000)}, TypeError, ["config['w']", "Tensor", ".tolist()"]),
    ({"n": {"x": object()}}, TypeError, ["config['n']['x']", "object"]),
    ({"sizes": [1, {2, 3}]}, TypeError, ["config['sizes'][1]", "set"]),
    ({1: "a"}, TypeError, ["key 1", "int", "str"]),
    ([("a", 1)], TypeError, ["dict", "list"]),
])
def test_a_config_that_is_not_json_is_refused(config, error, parts, raises_naming):
    with raises_naming(error, *parts):
        config_key(config)
    with raises_naming(error, *parts):
        run_folder("07-x", config, root="/r")


@pytest.mark.parametrize("name, root, error, parts", [
    (7, None, TypeError, ["name", "int"]),
    ("../escape", None, ValueError, ["name", "'../escape'", "root"]),
    ("a/b", None, ValueError, ["name", "'a/b'"]),
    ("", None, ValueError, ["name", "''"]),
    ("07-x", 3, TypeError, ["root", "int"]),
])
def test_run_folder_refuses_names_that_are_not_one_folder(name, root, error, parts, raises_naming):
    with raises_naming(error, *parts):
        run_folder(name, {}, root=root)


# ---- every public function with wrong arguments -------------------------------------------------
def test_save_and_load_refuse_wrong_arguments(tmp_path, raises_naming):
    model, opt = make()
    save = lambda **kw: save_checkpoint(**{"path": tmp_path / "s.pt", "model": model, "optimizer": opt,
                                           "step": 1, **kw})
    for kwargs, error, parts in [
        ({"model": model.state_dict()}, TypeError, ["model", "torch.nn.Module", "OrderedDict", "not its state_dict()"]),
        ({"optimizer": opt.state_dict()}, TypeError, ["optimizer", "torch.optim.Optimizer", "dict"]),
        ({"optimizer": None}, TypeError, ["optimizer", "NoneType"]),
        ({"step": 2.7}, TypeError, ["step", "int", "2.7", "float"]),
        ({"step": "3"}, TypeError, ["step", "'3'", "str"]),
        ({"step": True}, TypeError, ["step", "True", "bool"]),
        ({"step": -1}, ValueError, ["step", ">= 0", "-1"]),
        ({"extra": [1]}, TypeError, ["extra", "dict", "list"]),
        ({"extra": {"vocab": {"a": object()}}}, TypeError, ["extra['vocab']['a']", "builtins.object", "weights_only"]),
        ({"extra": {"ids": np.arange(3)}}, TypeError, ["extra['ids']", "numpy.ndarray", "as a tensor"]),
        ({"path": tmp_path}, ValueError, ["path", "directory", "step-00000001.pt"]),
        ({"path": 5}, TypeError, ["path", "int"]),
    ]:
        with raises_naming(error, *parts):
            save(**kwargs)
    (tmp_path / "a-file").write_text("x")
    with raises_naming(ValueError, "a-file", "folder"):
        save(path=tmp_path / "a-file" / "s.pt")
    with raises_naming(ValueError, "inside the file", "a-file"):
        save(path=tmp_path / "a-file" / "deeper" / "s.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]          # nothing was written

    path = save()
    for kwargs, error, parts in [
        ({"model": model.state_dict()}, TypeError, ["model", "torch.nn.Module", "OrderedDict"]),
        ({"optimizer": "adam"}, TypeError, ["optimizer", "str"]),
        ({"path": tmp_path / "missing.pt"}, FileNotFoundError, ["missing.pt"]),
        ({"path": tmp_path}, FileNotFoundError, ["folder", "latest_checkpoint"]),
        ({"path": None}, TypeError, ["path", "NoneType"]),
        ({"model": torch.nn.ReLU()}, CheckpointMismatchError, ["ReLU", "4 unexpected"]),
    ]:
        with raises_naming(error, *parts):
            load_checkpoint(**{"path": path, "model": model, "optimizer": opt, **kwargs})


def test_latest_checkpoint_refuses_a_file_and_finds_nothing_in_a_missing_folder(tmp_path, raises_naming):
    (tmp_path / "a-file").write_text("x")
    with raises_naming(ValueError, "folder", "a-file"):
        latest_checkpoint(tmp_path / "a-file")
    with raises_naming(TypeError, "folder", "NoneType"):
        latest_checkpoint(None)
    assert latest_checkpoint(tmp_path / "missing") is None


def _other_model_optimizer(model, opt):
    return make(seed=1)[1]


@pytest.mark.parametrize("change, error, parts", [
    ({"every": 0}, ValueError, ["every", ">= 1", "0"]),
    ({"every": True}, TypeError, ["every", "True", "bool"]),
    ({"every": 2.0}, TypeError, ["every", "2.0", "float"]),
    ({"steps": -1}, ValueError, ["steps", ">= 1", "-1"]),
    ({"steps": 0}, ValueError, ["steps", ">= 1", "0"]),
    ({"steps": 2.5}, TypeError, ["steps", "2.5", "float"]),
    ({"keep": 0}, ValueError, ["keep", ">= 1", "0"]),
    ({"seed": "0"}, TypeError, ["seed", "'0'", "str"]),
    ({"model": lambda x: x}, TypeError, ["model", "torch.nn.Module", "function"]),
    ({"optimizer": "adam"}, TypeError, ["optimizer", "str"]),
    ({"optimizer": _other_model_optimizer}, ValueError, ["optimizer", "4 tensor(s)", "model.parameters()"]),
    ({"batches": [1, 2]}, TypeError, ["batches", "callable", "list"]),
    ({"loss_fn": "mse"}, TypeError, ["loss_fn", "str"]),
    ({"evaluate": 3}, TypeError, ["evaluate", "int"]),
    ({"evaluate": lambda m: 1.0}, TypeError, ["evaluate", "dict", "float"]),
    ({"eval_every": 5}, TypeError, ["eval_every", "every"]),
    ({"folder": "FILE"}, ValueError, ["folder", "the file", "a-file"]),
    ({"folder": "UNDER FILE"}, ValueError, ["folder", "inside the file", "a-file"]),
    ({"folder": None}, TypeError, ["folder", "NoneType"]),
])
def test_train_resumable_refuses_wrong_arguments(tmp_path, change, error, parts, raises_naming):
    model, opt = make()
    (tmp_path / "a-file").write_text("x")
    kwargs = dict(model=model, batches=batches, loss_fn=loss_fn, optimizer=opt, steps=4, folder=tmp_path / "run",
                  every=2, progress=False)
    kwargs.update(change)
    if kwargs["optimizer"] is _other_model_optimizer:
        kwargs["optimizer"] = _other_model_optimizer(model, opt)
    if kwargs["folder"] in ("FILE", "UNDER FILE"):   # a run_folder whose root is a file, say
        kwargs["folder"] = tmp_path / "a-file" / ("run" if kwargs["folder"] == "UNDER FILE" else "")
    model_arg, batches_arg, loss_arg = kwargs.pop("model"), kwargs.pop("batches"), kwargs.pop("loss_fn")
    with raises_naming(error, *parts):
        train_resumable(model_arg, batches_arg, loss_arg, **kwargs)


def test_numpy_ints_are_accepted_where_ints_are(tmp_path):
    model, opt = make()
    log, start = train_resumable(model, batches, loss_fn, optimizer=opt, steps=np.int64(4), folder=tmp_path,
                                 every=np.int64(2), keep=np.int64(1), progress=False)
    assert start == 0 and log.steps == [1, 2, 3, 4] and latest_checkpoint(tmp_path).name == "step-00000004.pt"


def test_no_warning_on_an_ordinary_resume(tmp_path):
    run(tmp_path, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, _, start = run(tmp_path, 6)
    assert start == 4


# ---- arguments that were silently taken before: an optimizer of another model, a non-bool flag ------
def foreign_optimizer(model):
    return torch.optim.Adam(make(seed=1)[0].parameters(), lr=1e-2)


def test_save_refuses_an_optimizer_over_another_models_parameters(tmp_path, raises_naming):
    model, _ = make()
    with raises_naming(ValueError, "save_checkpoint", "optimizer over model's parameters", "4 tensor(s)",
                       "model.state_dict() only", "model.parameters()"):
        save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=foreign_optimizer(model), step=1)
    assert list(tmp_path.iterdir()) == []                                    # nothing was written


def test_load_refuses_an_optimizer_over_another_models_parameters_and_loads_nothing(tmp_path, raises_naming):
    path = saved(tmp_path)
    model, _ = make(seed=2)
    opt = foreign_optimizer(model)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with raises_naming(ValueError, "load_checkpoint", "optimizer over model's parameters", "4 tensor(s)"):
        load_checkpoint(path, model=model, optimizer=opt)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items()) and opt.state_dict()["state"] == {}


def test_an_optimizer_over_part_of_the_model_is_fine(tmp_path):   # e.g. fine-tuning the last layer only
    model = make()[0]
    opt = torch.optim.Adam(model[2].parameters(), lr=1e-2)
    path = save_checkpoint(tmp_path / "step-00000001.pt", model=model, optimizer=opt, step=1)
    assert load_checkpoint(path, model=model, optimizer=opt)["step"] == 1


@pytest.mark.parametrize("flag", ["no", None, 0, 1.0])
def test_restore_rng_must_be_a_bool_not_anything_truthy(tmp_path, flag, raises_naming):
    path = saved(tmp_path)
    model, opt = make()
    state = rng_state()
    with raises_naming(TypeError, "restore_rng", "True or False", repr(flag), type(flag).__name__):
        load_checkpoint(path, model=model, optimizer=opt, restore_rng=flag)
    assert torch.equal(rng_state()["torch"], state["torch"])


def test_restore_rng_false_leaves_the_generators_alone(tmp_path):
    path, model = saved(tmp_path), make()[0]     # make() seeds torch: build first

    def draw_after(**kwargs):
        torch.manual_seed(123)
        load_checkpoint(path, model=model, **kwargs)
        return torch.rand(3)

    torch.manual_seed(123)
    untouched = torch.rand(3)
    assert torch.equal(draw_after(restore_rng=False), untouched)
    assert not torch.equal(draw_after(), untouched)     # the default restores the saved state: other draws


@pytest.mark.parametrize("folder", ["missing", "empty"])
@pytest.mark.parametrize("model, optimizer, parts", [
    (None, None, ["load_latest", "model", "torch.nn.Module", "NoneType"]),
    ("MODEL", {}, ["load_latest", "optimizer", "torch.optim.Optimizer", "not its state_dict()"]),
    ("MODEL", "adam", ["load_latest", "optimizer", "str"]),
])
def test_load_latest_checks_its_arguments_even_with_no_checkpoint_to_load(tmp_path, folder, model, optimizer,
                                                                          parts, raises_naming):
    (tmp_path / "empty").mkdir()
    model = make()[0] if model == "MODEL" else model
    with raises_naming(TypeError, *parts):
        load_latest(tmp_path / folder, model=model, optimizer=optimizer)


def _groups(value):
    return lambda p: rewrite(p, lambda d: d["optimizer"].update(param_groups=value))


@pytest.mark.parametrize("change, parts", [
    (_groups("x"), ["param_groups", "'x'", "list of dicts"]),
    (_groups([{"lr": 0.1}]), ["param_groups", "'params' list", "{'lr': 0.1}"]),
    (_groups([[0, 1, 2, 3]]), ["param_groups", "[[0, 1, 2, 3]]"]),
    (lambda p: rewrite(p, lambda d: d["optimizer"].update(state=[1])), ["state", "a list"]),
])
def test_an_optimizer_entry_torch_did_not_write_is_a_mismatch_not_a_key_error(tmp_path, change, parts,
                                                                              raises_naming):
    path = saved(tmp_path)
    change(path)
    model, opt = make()
    with raises_naming(CheckpointMismatchError, "step-00000005.pt", "optimizer", "not written by save_checkpoint",
                       *parts):
        load_checkpoint(path, model=model, optimizer=opt)
    assert load_checkpoint(path, model=model)["step"] == 5          # without an optimizer, the model still loads


# ---- the module's layout: one public address, small parts ---------------------------------------
PUBLIC = ["CheckpointError", "CheckpointMismatchError", "CorruptCheckpointError", "CorruptCheckpointWarning",
          "UnsafeCheckpointError", "checkpoints_root", "config_key", "latest_checkpoint", "load_checkpoint",
          "load_latest", "rng_state", "run_folder", "save_checkpoint", "set_rng_state", "train_resumable"]


def test_every_public_name_is_importable_from_rnnlab_training_checkpoint():
    """Notebooks 07 and 12 and user code import from rnnlab.training.checkpoint; the split must not move that."""
    from rnnlab.training import checkpoint_errors, random_states, run_folders
    assert sorted(ck.__all__) == sorted(PUBLIC) and all(callable(getattr(ck, name)) for name in PUBLIC)
    assert ck.UnsafeCheckpointError is checkpoint_errors.UnsafeCheckpointError       # one class, not a copy
    assert ck.run_folder is run_folders.run_folder and ck.rng_state is random_states.rng_state
    assert issubclass(ck.UnsafeCheckpointError, (ValueError, pickle.UnpicklingError))


def test_each_checkpoint_module_reads_in_one_sitting():
    """The split's point: small modules, each saying in its docstring what it does and why."""
    import importlib
    from pathlib import Path
    parts = ["checkpoint", "checkpoint_checks", "checkpoint_errors", "checkpoint_files", "random_states", "run_folders"]
    for name in parts:
        module = importlib.import_module(f"rnnlab.training.{name}")
        assert len(Path(module.__file__).read_text().splitlines()) <= 250, f"{name}.py has grown past 250 lines"
        assert len(module.__doc__ or "") > 200, f"{name}.py's docstring does not say what it does and why"
