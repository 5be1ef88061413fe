import math

import pytest
import torch

from rnnlab.training.loop import TrainingDiverged, train


def _regression_task(seed=0):
    g = torch.Generator().manual_seed(seed)
    w_true = torch.randn(3, 1, generator=g)
    x = torch.randn(64, 3, generator=g)
    return x, x @ w_true


def _mse(model, batch):
    x, y = batch
    return torch.nn.functional.mse_loss(model(x), y)


def test_train_converges_and_logs():
    x, y = _regression_task()
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    log = train(model, [(x, y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                steps=200, progress=False)
    assert log.steps == list(range(1, 201))
    assert log.losses[0] > 0.1
    assert log.final_loss < 1e-6
    assert all(n >= 0 for n in log.grad_norms)


def test_train_is_deterministic_under_a_seed():
    def run(seed):
        torch.manual_seed(seed)
        model = torch.nn.Linear(3, 1)
        batches = lambda step: (torch.randn(8, 3), torch.randn(8, 1))  # from the RNG that train() seeds
        return train(model, batches, _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                     steps=20, seed=seed, progress=False).losses

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_clipping_bounds_the_update_and_is_logged():
    x, y = _regression_task()
    y = y * 1000  # huge gradients
    model = torch.nn.Linear(3, 1)
    before = [p.detach().clone() for p in model.parameters()]
    log = train(model, [(x, y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=1.0),
                steps=1, clip=0.5, progress=False)
    assert log.clipped == [True] and log.grad_norms[0] > 0.5
    step = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(model.parameters(), before)))
    assert step.item() == pytest.approx(0.5, rel=1e-5)  # lr 1 times a gradient of norm 0.5


def test_nan_loss_stops_with_a_clear_message():
    x, y = _regression_task()
    model = torch.nn.Linear(3, 1)
    with pytest.raises(TrainingDiverged, match=r"step \d+.*(loss|gradient norm).*(nan|inf).*last finite loss"):
        train(model, [(x, y * 1e6)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=10.0),
              steps=100, progress=False)


def test_nan_in_the_first_step_is_reported(raises_naming):
    model = torch.nn.Linear(3, 1)
    x = torch.full((4, 3), math.nan)
    with raises_naming(TrainingDiverged, "step 1", "loss", "nan", "learning rate"):
        train(model, [(x, torch.zeros(4, 1))], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
              steps=5, progress=False)


def test_evaluate_runs_in_eval_mode_without_grad():
    x, y = _regression_task()
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Dropout(0.5))
    seen = []

    def evaluate(m):
        seen.append((m.training, torch.is_grad_enabled()))
        return {"mse": _mse(m, (x, y)).item()}

    log = train(model, [(x, y)], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                steps=10, evaluate=evaluate, eval_every=5, progress=False)
    assert [s for s, _ in log.evals] == [5, 10]
    assert seen == [(False, False), (False, False)]
    assert model.training


@pytest.mark.parametrize("kwargs,parts", [
    ({"steps": 0}, ("steps", "positive int", "got 0")),
    ({"steps": 5, "clip": -1.0}, ("clip", "positive number or None", "got -1.0")),
])
def test_bad_arguments(raises_naming, kwargs, parts):
    model = torch.nn.Linear(3, 1)
    with raises_naming(ValueError, *parts):
        train(model, [], _mse, optimizer=torch.optim.SGD(model.parameters(), lr=0.1), progress=False, **kwargs)


def test_empty_batches_and_non_scalar_loss():
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="batches is empty"):
        train(model, [], _mse, optimizer=opt, steps=1, progress=False)
    with pytest.raises(ValueError, match=r"scalar tensor, got shape \(4, 1\)"):
        train(model, [torch.zeros(4, 3)], lambda m, b: m(b), optimizer=opt, steps=1, progress=False)
    with pytest.raises(TypeError, match="iterable of batches or a callable"):
        train(model, 3, _mse, optimizer=opt, steps=1, progress=False)


def test_device_moves_the_model_and_every_batch():
    x, y = _regression_task()
    seen = []

    def loss_fn(model, batch):
        seen.append({k: v.device for k, v in batch.items()})
        return torch.nn.functional.mse_loss(model(batch["x"]), batch["y"])

    model = torch.nn.Linear(3, 1)
    log = train(model, [{"x": x, "y": y}], loss_fn, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                steps=50, progress=False, device="cpu")
    assert log.final_loss < 1e-2 and seen[0] == {"x": torch.device("cpu"), "y": torch.device("cpu")}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_device_cuda_trains_on_the_gpu():
    x, y = _regression_task()
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)        # made before the move: still works
    log = train(model, [(x, y)], _mse, optimizer=opt, steps=50, progress=False, device="cuda")
    assert next(model.parameters()).is_cuda and log.final_loss < 1e-2
